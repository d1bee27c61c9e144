#!/usr/bin/env bun
/**
 * Entry point: runs the CLI and maps errors to exit codes. The only place that exits the process,
 * and the only place errors are printed: a UserError shows its issues (no stack), an ApplyError
 * what Postgres said, anything else is a bug and shows its stack.
 */
import { runCli } from "./cli.ts";
import { type Io, isOutputClosed } from "./io.ts";
import { processIo } from "./process-io.ts";
import { describeDatabaseError } from "./db/errors.ts";
import { ApplyError, ExitCode, UserError, formatIssue } from "./errors.ts";

const io: Io = processIo();

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
  const database = describeDatabaseError(error);
  if (database) return { lines: [...database, "  Nothing was written."], exitCode: ExitCode.runtime };
  const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  return {
    lines: [`internal error (a bug in flagsmith-provision; please report it):`, stack],
    exitCode: ExitCode.runtime,
  };
}

async function main(): Promise<never> {
  try {
    return exit(await runCli(process.argv.slice(2), io));
  } catch (error) {
    // The reader of stdout went away (`| head -1`): nothing more to say, and nothing was lost that
    // mattered (apply turns a closure before its commit into an error of its own).
    if (isOutputClosed(error)) return exit(ExitCode.ok);
    const { lines, exitCode } = describeError(error);
    for (const line of lines) io.err(line);
    return exit(exitCode);
  }
}

/**
 * Exits once what went through process.stdout (cac's help) has drained, so it is never cut short;
 * our own lines were written synchronously. A closed stdout ends the wait too.
 */
function exit(code: number): Promise<never> {
  return new Promise(() => {
    if (process.stdout.writableLength === 0) process.exit(code);
    process.stdout.once("drain", () => process.exit(code));
    process.stdout.once("error", () => process.exit(code));
  });
}

if (import.meta.main) await main();
