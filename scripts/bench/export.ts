/**
 * The export of a large database (issue 12): `export --include all` by the compiled binary, to stdout, against the
 * database the large workload filled, and its target: at most 2× the time of that workload's no-op re-run (both read
 * every entity; the re-run writes nothing either).
 */
import { runMeasured, type Measured } from "./run-binary.ts";

export const EXPORT_ARGS = ["export", "--include", "all"];

/** One export of the database at `url`; throws when it fails. */
export async function measureExport(binary: string, url: string, cwd: string): Promise<Measured> {
  const run = await runMeasured(binary, EXPORT_ARGS, { cwd, env: { DATABASE_URL: url } });
  if (run.exitCode !== 0) throw new Error(`export failed (exit ${run.exitCode}):\n${run.stderr}`);
  return run;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The report's lines: the export's figures, and whether it met its target against the no-op re-runs. */
export function exportReport(exports: Measured[], noops: Measured[]): string[] {
  if (exports.length === 0) return [];
  const wall = median(exports.map((r) => r.wallMs));
  const noop = median(noops.map((r) => r.wallMs));
  const bytes = exports[0]!.stdout.length;
  const rss = Math.max(...exports.map((r) => r.peakRssBytes)) / 1024 / 1024;
  return [
    "",
    `export --include all of the large workload's database: ${wall.toFixed(0)} ms (median of ${exports.length}), ` +
      `${(bytes / 1024).toFixed(0)} KiB of YAML, peak RSS ${rss.toFixed(0)} MB; its no-op re-run ${noop.toFixed(0)} ms`,
    `${wall <= 2 * noop ? "met   " : "MISSED"}  export ≤ 2× the no-op re-run: ${wall.toFixed(0)} ms vs 2 × ${noop.toFixed(0)} ms = ` +
      `${(2 * noop).toFixed(0)} ms (${(wall / noop).toFixed(2)}×)`,
  ];
}
