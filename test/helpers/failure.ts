/**
 * Assertions for failures of the compiled binary (issue 8): one clean message, the documented exit
 * code, nothing of the program's own insides (stack lines, minified source, "internal error") and no
 * secret. Every failure test of the binary goes through `expectCleanFailure`.
 */
import { expect } from "bun:test";
import type { Ran } from "./binary.ts";

/** What a message must never contain: a stack frame, Bun's source excerpt (`12 | code`), a bug report. */
const INSIDES = [
  /^\s+at /m, // a stack frame
  /^\s*\d+ \| /m, // Bun prints the failing source line as `123 | …`
  /internal error/i,
  /TypeError|ReferenceError|SyntaxError|RangeError/,
  /\bnull is not an object\b|\bundefined is not an object\b/,
];

/** Asserts a failed run: its exit code, stderr free of the program's insides, and none of `secrets` anywhere. */
export function expectCleanFailure(
  ran: Ran,
  exitCode: number,
  options: { secrets?: string[]; message?: RegExp } = {},
): void {
  const shown = `exit ${ran.exitCode}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`;
  expect(ran.exitCode, shown).toBe(exitCode);
  for (const pattern of INSIDES) expect(ran.stderr, shown).not.toMatch(pattern);
  expect(ran.stderr.trim(), shown).not.toBe("");
  for (const secret of options.secrets ?? []) {
    expect(ran.stdout + ran.stderr, `${shown}\n(must not show the secret)`).not.toContain(secret);
  }
  if (options.message) expect(ran.stderr, shown).toMatch(options.message);
}
