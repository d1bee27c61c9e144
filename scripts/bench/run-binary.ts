/**
 * Runs the compiled binary as a whole process, the way an init container does, and measures what
 * the operator would see: wall time around the spawn, peak resident memory, and the JSON report
 * (`--output json`, whose `stats.statements` counts every statement sent).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
 * Linux's ru_maxrss of a process started straight from a big one counts the parent's peak too: exec records the
 * high-water mark of the memory it replaces, which for a posix_spawn'd child is the parent's (the benchmark,
 * holding a yardstick's rows, reported 250 MB for a run that peaks at 105 MB). GNU time forks from its own
 * small process, so its %M is the binary's alone; without it the figure is an upper bound.
 */
const GNU_TIME = "/usr/bin/time";
export const RSS_MEASURED_BY = existsSync(GNU_TIME)
  ? "GNU time's %M (the binary alone)"
  : "Bun's resourceUsage (an upper bound: includes the benchmark's own peak; install Debian's `time` for exact figures)";

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
  const timeDir = existsSync(GNU_TIME) ? mkdtempSync(join(tmpdir(), "fsp-rss-")) : null;
  const timeFile = timeDir && join(timeDir, "rss");
  const command = timeFile ? [GNU_TIME, "-f", "%M", "-o", timeFile, binary, ...args] : [binary, ...args];
  try {
    const started = performance.now();
    const child = Bun.spawn(command, { cwd: options.cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    const wallMs = performance.now() - started;
    const usage = child.resourceUsage();
    // GNU time writes "Command exited with non-zero status N" before the format's line when the run fails.
    const timed = timeFile ? Number(readFileSync(timeFile, "utf8").trim().split("\n").pop()) * 1024 : NaN;
    const peakRssBytes = Number.isFinite(timed) ? timed : usage ? rssBytes(usage.maxRSS) : 0;
    let report: JsonReport | null = null;
    try {
      report = JSON.parse(stdout) as JsonReport;
    } catch {
      report = null;
    }
    return { exitCode, wallMs, peakRssBytes, report, stdout, stderr };
  } finally {
    if (timeDir) rmSync(timeDir, { recursive: true, force: true });
  }
}
