#!/usr/bin/env bun
/**
 * Entry point: runs the CLI and maps errors to exit codes. The only place that exits the process,
 * and the only place errors are printed: a UserError shows its issues (no stack), an ApplyError
 * what Postgres said, anything else is a bug and shows its stack.
 */
import { runCli } from "./cli.ts";
import { readFirstLine, wantsColor, type Io } from "./commands/io.ts";
import { ApplyError, ExitCode, UserError, formatIssue } from "./errors.ts";

/**
 * Set when a write to stdout reported backpressure. Bun 1.4.5 then still says writableLength 0, so
 * that alone would let exit() cut a large JSON document short when the reader is slower than us.
 */
let stdoutBacklogged = false;
process.stdout.on("drain", () => (stdoutBacklogged = false));

const io: Io = {
  env: process.env,
  cwd: process.cwd(),
  out: (line) => {
    if (!process.stdout.write(line + "\n")) stdoutBacklogged = true;
  },
  err: (line) => void process.stderr.write(line + "\n"),
  color: wantsColor(process.stdout.isTTY, process.env),
  readLine: (prompt) => {
    if (process.stdin.isTTY) process.stderr.write(prompt);
    return readFirstLine(process.stdin);
  },
};

/** The lines describing an error, and the exit code it maps to. */
export function describeError(error: unknown): { lines: string[]; exitCode: ExitCode } {
  if (error instanceof UserError) return { lines: error.issues.map(formatIssue), exitCode: error.exitCode };
  if (error instanceof ApplyError) {
    // The message already names the entity and its file:line:column (flagsmith/write-error.ts).
    const { code, detail, constraint, hint } = error.details;
    const lines = [`error: ${error.message}`];
    if (code) lines.push(`  postgres code: ${code}`);
    if (detail) lines.push(`  detail: ${detail}`);
    if (constraint) lines.push(`  constraint: ${constraint}`);
    if (hint) lines.push(`  hint: ${hint}`);
    lines.push("  Nothing was written: the transaction was rolled back.");
    return { lines, exitCode: ExitCode.runtime };
  }
  if (isDatabaseError(error)) {
    // Connection refused, authentication failed, a timeout…: the environment, not a bug.
    const lines = [`error: database: ${error.message}`, `  code: ${error.code}`];
    if (error.detail) lines.push(`  detail: ${error.detail}`);
    if (error.hint) lines.push(`  hint: ${error.hint}`);
    lines.push("  Nothing was written.");
    return { lines, exitCode: ExitCode.runtime };
  }
  const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  return {
    lines: [`internal error (a bug in flagsmith-provision; please report it):`, stack],
    exitCode: ExitCode.runtime,
  };
}

/** postgres.js errors (PostgresError) and socket errors (ECONNREFUSED, ENOTFOUND, CONNECT_TIMEOUT…) carry a code. */
function isDatabaseError(error: unknown): error is Error & { code: string; detail?: string; hint?: string } {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || typeof code !== "string") return false;
  return error.name === "PostgresError" || /^(E[A-Z]+|CONNECT_TIMEOUT|CONNECTION_\w+|AUTH_\w+|SASL_\w+|MESSAGE_NOT_SUPPORTED)$/.test(code);
}

async function main(): Promise<never> {
  try {
    await runCli(process.argv.slice(2), io);
    return exit(ExitCode.ok);
  } catch (error) {
    const { lines, exitCode } = describeError(error);
    for (const line of lines) io.err(line);
    return exit(exitCode);
  }
}

/** Exits once stdout has drained, so a piped JSON document is never cut short. */
function exit(code: number): Promise<never> {
  return new Promise(() => {
    if (!stdoutBacklogged && process.stdout.writableLength === 0) process.exit(code);
    process.stdout.once("drain", () => process.exit(code));
  });
}

if (import.meta.main) await main();
