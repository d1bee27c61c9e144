/**
 * The Io of the real process. stdout and stderr are written synchronously to their file descriptors:
 * a line is in the pipe (or on the terminal) when `out` returns, which is what lets secrets be printed
 * before the commit (apply) and lets the process exit at once. A closed stdout is reported once as an
 * OutputClosed error instead of being retried forever (Bun's stream then spins at 100% CPU).
 */
import { writeSync } from "node:fs";
import { OutputClosed, readFirstLine, wantsColor, type Io } from "./io.ts";

/** Writes all of `text` to `fd`, waiting out EAGAIN on a non-blocking descriptor; throws the write error. */
function writeAll(fd: number, text: string): void {
  let bytes = Buffer.from(text);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (error) {
      if ((error as { code?: string }).code !== "EAGAIN") throw error;
      Bun.sleepSync(1);
    }
  }
}

/** The process's Io: synchronous writes, stdin for `readLine`, colour only on a terminal without NO_COLOR. */
export function processIo(): Io {
  let closed = false;
  return {
    env: process.env,
    cwd: process.cwd(),
    out(line) {
      if (closed) throw new OutputClosed();
      try {
        writeAll(1, line + "\n");
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== "EPIPE" && code !== "ECONNRESET") throw error;
        closed = true;
        throw new OutputClosed();
      }
    },
    err(line) {
      try {
        writeAll(2, line + "\n");
      } catch {
        // Nowhere left to say anything: stderr's reader is gone too.
      }
    },
    color: wantsColor(process.stdout.isTTY, process.env),
    readLine: (prompt) => (process.stdin.isTTY ? readHidden(prompt) : readFirstLine(process.stdin)),
  };
}

/** Reads a line from the terminal without echoing it (a password): raw mode, Enter ends, Ctrl-C aborts. */
async function readHidden(prompt: string): Promise<string> {
  writeAll(2, prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  let line = "";
  try {
    for await (const chunk of stdin) {
      for (const char of new TextDecoder().decode(chunk as Uint8Array)) {
        if (char === "\r" || char === "\n") return line;
        if (char === "\u0003") {
          writeAll(2, "\n");
          process.exit(130); // Ctrl-C, as a shell reports SIGINT
        }
        if (char === "\u007f" || char === "\b") line = [...line].slice(0, -1).join("");
        else if (char === "\u0015")
          line = ""; // Ctrl-U
        else if (char >= " ") line += char;
      }
    }
    return line;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    writeAll(2, "\n");
  }
}
