/**
 * The compiled binary for CLI tests: built once (reused while newer than every source file) and
 * spawned with a clean environment, so the developer's DATABASE_URL or NO_COLOR never leak in.
 */
import { existsSync, mkdtempSync, readdirSync, renameSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPO = join(import.meta.dir, "..", "..");
export const BINARY = join(REPO, "dist", "flagsmith-provision");

function newestSource(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestSource(join(path, entry))));
}

/** Builds dist/flagsmith-provision unless it is newer than src/, presets/, package.json and the build script. */
export function ensureBinary(): string {
  const inputs = ["src", "presets", "package.json", "bun.lock", "scripts/build.ts"]
    .map((p) => join(REPO, p))
    .filter(existsSync);
  const newest = Math.max(...inputs.map(newestSource));
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs > newest) return BINARY;
  // Build beside the target and rename, so a concurrently running test file never sees half a binary.
  const partial = `${BINARY}.${process.pid}.partial`;
  const build = Bun.spawnSync([process.execPath, join(REPO, "scripts", "build.ts"), "--outfile", partial], {
    cwd: REPO,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (build.exitCode !== 0) throw new Error(`build failed:\n${build.stdout.toString()}${build.stderr.toString()}`);
  renameSync(partial, BINARY);
  return BINARY;
}

/** A fresh empty directory. */
export function tempDir(prefix = "fsp-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with only PATH and HOME from our environment, plus `env`; `stdin` is its whole input (else none). */
export function run(command: string[], options: { cwd: string; env?: Record<string, string>; stdin?: string }): Ran {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...options.env };
  const stdin = options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin);
  const ran = Bun.spawnSync(command, { cwd: options.cwd, env, stdin, stdout: "pipe", stderr: "pipe" });
  return { exitCode: ran.exitCode ?? -1, stdout: ran.stdout.toString(), stderr: ran.stderr.toString() };
}

/** No stack trace lines (`    at fn (file:1:2)`) in a user-facing error. */
export const STACK_LINE = /^\s+at /m;
