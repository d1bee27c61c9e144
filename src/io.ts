/** Environment variables as the tool sees them (process.env in production, literals in tests). */
export type Env = Record<string, string | undefined>;

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
  /**
   * Reads the first line of stdin, without its line break (`hash-password`); shows `prompt` on stderr
   * first when stdin is a terminal. Absent where there is no stdin (tests build Io from literals),
   * which reads as an empty line.
   */
  readLine?(prompt: string): Promise<string>;
}

/** Whether to colour output: stdout is a terminal and NO_COLOR is unset or empty (https://no-color.org). */
export function wantsColor(isTTY: boolean | undefined, env: Env): boolean {
  return Boolean(isTTY) && !env.NO_COLOR;
}

/**
 * The text up to the first line break (`\n` or `\r\n`), or all of it when there is none. Stops reading at
 * the first line break, so a terminal user need not type an end-of-file after pressing Enter.
 */
export async function readFirstLine(input: AsyncIterable<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of input) {
    text += decoder.decode(chunk, { stream: true });
    if (text.includes("\n")) break;
  }
  text += decoder.decode();
  const end = text.indexOf("\n");
  const line = end < 0 ? text : text.slice(0, end);
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** stdout was closed by its reader (EPIPE): the rest of the output cannot be delivered. */
export class OutputClosed extends Error {
  /** Checked instead of the class name, which the minified build renames. */
  readonly outputClosed = true;
  constructor() {
    super("stdout was closed before the output was complete");
  }
}

/** Whether an error is OutputClosed (also across bundles, where instanceof could differ). */
export function isOutputClosed(error: unknown): error is OutputClosed {
  return (error as { outputClosed?: unknown } | null)?.outputClosed === true;
}
