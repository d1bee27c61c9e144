import type { Env } from "../spec/source.ts";

/**
 * What a command may touch of the outside world. main.ts builds it from the process; tests build
 * it from literals. Commands print through it and never call process.* themselves.
 */
export interface Io {
  env: Env;
  cwd: string;
  /** Writes one line (a newline is added) to stdout. */
  out(line: string): void;
  /** Writes one line (a newline is added) to stderr. */
  err(line: string): void;
  /** Colour stdout: only on a TTY and never with NO_COLOR (contract §3). */
  color: boolean;
}

/** Whether to colour output: stdout is a terminal and NO_COLOR is unset or empty (https://no-color.org). */
export function wantsColor(isTTY: boolean | undefined, env: Env): boolean {
  return Boolean(isTTY) && !env.NO_COLOR;
}
