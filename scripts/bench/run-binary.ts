/**
 * Runs the compiled binary as a whole process, the way an init container does, and measures what
 * the operator would see: wall time around the spawn, peak resident memory, and the JSON report
 * (`--output json`, whose `stats.statements` counts every statement sent).
 */
import type { JsonReport } from "../../src/report/json.ts";

export interface Measured {
  exitCode: number;
  wallMs: number;
  /** Peak resident set size of the process, in bytes. */
  peakRssBytes: number;
  report: JsonReport | null;
  stdout: string;
  stderr: string;
}

/**
 * Bun reports resourceUsage().maxRSS in bytes (it converts getrusage's KiB); a value too small to be
 * bytes for any real process means a Bun that passes KiB through, so convert it.
 */
export function rssBytes(maxRSS: number): number {
  return maxRSS < 1_000_000 ? maxRSS * 1024 : maxRSS;
}

/** Spawns `binary args` with only PATH, HOME and env; parses stdout as the JSON report when it is one. */
export async function runMeasured(
  binary: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<Measured> {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...options.env };
  const started = performance.now();
  const child = Bun.spawn([binary, ...args], {
    cwd: options.cwd,
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  const wallMs = performance.now() - started;
  const usage = child.resourceUsage();
  let report: JsonReport | null = null;
  try {
    report = JSON.parse(stdout) as JsonReport;
  } catch {
    report = null;
  }
  return { exitCode, wallMs, peakRssBytes: usage ? rssBytes(usage.maxRSS) : 0, report, stdout, stderr };
}
