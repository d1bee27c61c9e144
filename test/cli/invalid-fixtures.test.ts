import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { REPO, STACK_LINE, ensureBinary, run } from "./binary.ts";

/**
 * Every invalid fixture, run through the compiled binary: exit 2, the position its first line
 * promises (`# expect: <rule> at <line>:<column> …`), and no stack trace.
 */
const DIR = join("test", "fixtures", "invalid");
const fixtures = existsSync(join(REPO, DIR))
  ? readdirSync(join(REPO, DIR)).filter((f) => /\.ya?ml$/.test(f)).sort()
  : [];

interface Expectation {
  rule: string;
  line: number;
  column: number;
}

function expectationOf(file: string): Expectation | null {
  const first = readFileSync(join(REPO, DIR, file), "utf8").split("\n", 1)[0] ?? "";
  const match = /^#\s*expect:\s*(\S+)\s+at\s+(\d+):(\d+)/.exec(first);
  return match ? { rule: match[1]!, line: Number(match[2]), column: Number(match[3]) } : null;
}

let binary: string;
beforeAll(() => {
  binary = ensureBinary();
});

describe("validate rejects every invalid fixture with its position", () => {
  test("there are invalid fixtures to check", () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  test.each(fixtures)("%s", (file) => {
    const expected = expectationOf(file);
    expect(expected, `${file} needs a first line "# expect: <rule> at <line>:<column>"`).not.toBeNull();
    const path = join(DIR, file);
    const ran = run([binary, "validate", "--file", path], { cwd: REPO });
    expect(ran.exitCode).toBe(2);
    expect(ran.stderr).toContain(`${path}:${expected!.line}:${expected!.column}`);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(ran.stdout).toBe("");
  });
});
