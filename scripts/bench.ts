/**
 * `bun run bench`: measures the compiled binary as an operator runs it (a whole process per run) on
 * its own databases (fsp_bench_*, dropped at the end), and prints a table and the targets of issue 3:
 * each preset < 300 ms on an empty database, the 100k-state workload within 3× of COPY of the same
 * number of feature-state rows, its no-op re-run < 1 s, peak RSS < 300 MB. A report, not a gate:
 * it exits 0 when a target is missed, and says MISSED.
 *
 * Usage: bun scripts/bench.ts [--repeat N] [--quick]
 *   --repeat N  runs of each preset measurement (median shown; default 3)
 *   --quick     the large workload at a tenth of its size (10 × 10 × 100), for a fast look
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinary } from "../test/helpers/binary.ts";
import { copyYardstick, type CopyTimes } from "./bench/copy-yardstick.ts";
import { BenchDatabases, benchSchema } from "./bench/databases.ts";
import { runMeasured, type Measured } from "./bench/run-binary.ts";
import { writeWorkload, type WorkloadShape } from "./bench/workload.ts";
import { exportReport, measureExport } from "./bench/export.ts";

const REPO = join(import.meta.dir, "..");
const PRESETS = ["bootstrap", "dev", "e2e", "demo", "fof"];
const ENV = { DJANGO_SECRET_KEY: "bench-secret-key" };

const args = process.argv.slice(2);
const repeat = Math.max(1, Number(args[args.indexOf("--repeat") + 1]) || 3);
const quick = args.includes("--quick");
const LARGE: WorkloadShape = { projects: 10, environments: 10, features: quick ? 100 : 1000, segments: 100 };

interface Row {
  workload: string;
  runs: Measured[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const wallOf = (row: Row) => median(row.runs.map((r) => r.wallMs));
const rssOf = (row: Row) => Math.max(...row.runs.map((r) => r.peakRssBytes)) / 1024 / 1024;

function check(run: Measured, what: string): Measured {
  if (run.exitCode !== 0 || run.report === null) {
    throw new Error(`${what} failed (exit ${run.exitCode}):\n${run.stderr}${run.stdout.slice(0, 2000)}`);
  }
  return run;
}

async function main(): Promise<void> {
  const binary = ensureBinary();
  const schema = benchSchema(REPO);
  const dbs = new BenchDatabases(schema.path);
  const work = mkdtempSync(join(tmpdir(), "fsp-bench-"));
  const rows: Row[] = [];
  const begun = performance.now();
  const progress = (what: string) => console.error(`[${((performance.now() - begun) / 1000).toFixed(1)}s] ${what}`);
  const apply = (url: string, sourceArgs: string[], what: string) =>
    runMeasured(binary, [...sourceArgs, "--output", "json"], { cwd: work, env: { ...ENV, DATABASE_URL: url } }).then(
      (r) => check(r, what),
    );

  console.log(`flagsmith-provision benchmark: schema ${schema.label}, binary ${binary}`);
  console.log(
    `presets: median of ${repeat} runs, each on a fresh database; large workload ${LARGE.projects}×${LARGE.environments}×${LARGE.features}\n`,
  );
  let copy: CopyTimes;
  const exports: Measured[] = [];
  try {
    // a) presets: empty database, then the no-op re-run on the same database.
    for (const preset of PRESETS) {
      progress(`preset ${preset}`);
      const first: Row = { workload: `preset ${preset}`, runs: [] };
      const again: Row = { workload: `preset ${preset} (no-op)`, runs: [] };
      for (let i = 0; i < repeat; i++) {
        const db = await dbs.fresh();
        first.runs.push(await apply(db.url, ["--preset", preset], `preset ${preset}`));
        again.runs.push(await apply(db.url, ["--preset", preset], `preset ${preset} re-run`));
      }
      rows.push(first, again);
    }

    // b) the large generated workload, then its no-op re-run.
    progress("large workload");
    const dir = join(work, "large");
    const counts = writeWorkload(dir, LARGE);
    const label = `${LARGE.projects}×${LARGE.environments}×${LARGE.features} (${counts.featureStates} states, ${counts.segments} segments)`;
    const large = await dbs.fresh();
    rows.push({ workload: label, runs: [await apply(large.url, ["--directory", dir], "large workload")] });
    rows.push({
      workload: `${label} (no-op)`,
      runs: [await apply(large.url, ["--directory", dir], "large workload re-run")],
    });
    progress("export of the large workload");
    for (let i = 0; i < repeat; i++) exports.push(await measureExport(binary, large.url, work));

    // c) the yardstick: COPY of the same number of states into a fresh database.
    progress("COPY yardstick");
    const yard = await dbs.fresh();
    const skeleton = join(work, "yardstick");
    writeWorkload(skeleton, {
      projects: 1,
      environments: LARGE.environments,
      features: 0,
      segments: 0,
      organisation: "Yardstick Org",
    });
    await apply(yard.url, ["--directory", skeleton], "yardstick skeleton");
    copy = await copyYardstick(yard.url, "Project 00", counts.featureStates / LARGE.environments);
  } finally {
    await dbs.dropAll();
    rmSync(work, { recursive: true, force: true });
  }

  report(rows, copy);
  const noop = rows.find((r) => r.workload.startsWith(`${LARGE.projects}×`) && r.workload.endsWith("(no-op)"))!;
  for (const line of exportReport(exports, noop.runs)) console.log(line);
}

function report(rows: Row[], copy: CopyTimes): void {
  const fullCopy = copy.featureStateMs + copy.featureStateValueMs;
  const header = ["workload", "wall ms", "in-process ms", "statements", "peak RSS MB", "created/skipped", "apply/COPY"];
  const table = rows.map((row) => {
    const last = row.runs[row.runs.length - 1]!;
    const stats = last.report!.stats;
    const ratio =
      row.workload.startsWith(`${LARGE.projects}×`) && !row.workload.endsWith("(no-op)")
        ? `${(wallOf(row) / copy.featureStateMs).toFixed(2)}× (${(wallOf(row) / fullCopy).toFixed(2)}× FS+FSV)`
        : "";
    return [
      row.workload,
      wallOf(row).toFixed(0),
      stats ? String(median(row.runs.map((r) => r.report!.stats!.durationMs))) : "?",
      stats ? String(stats.statements) : "?",
      rssOf(row).toFixed(0),
      `${last.report!.summary.created}/${last.report!.summary.skipped}`,
      ratio,
    ];
  });
  const commit = (ms: number) => `(commit ${ms.toFixed(0)})`;
  table.push([
    `COPY ${copy.rows} rows → features_featurestate`,
    copy.featureStateMs.toFixed(0),
    commit(copy.featureStateCommitMs),
    "1",
    "",
    "",
    "yardstick",
  ]);
  table.push([
    `COPY ${copy.rows} rows → features_featurestatevalue`,
    copy.featureStateValueMs.toFixed(0),
    commit(copy.featureStateValueCommitMs),
    "1",
    "",
    "",
    "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of table) console.log(line(r));

  const large = rows.find((r) => r.workload.startsWith(`${LARGE.projects}×`) && !r.workload.endsWith("(no-op)"))!;
  const noop = rows.find((r) => r.workload.startsWith(`${LARGE.projects}×`) && r.workload.endsWith("(no-op)"))!;
  const targets: Array<[string, boolean, string]> = [
    [
      "apply ≤ 3× COPY (features_featurestate rows, the issue's yardstick)",
      wallOf(large) <= 3 * copy.featureStateMs,
      `${wallOf(large).toFixed(0)} ms vs 3 × ${copy.featureStateMs.toFixed(0)} ms = ${(3 * copy.featureStateMs).toFixed(0)} ms`,
    ],
    ["no-op re-run of the large workload < 1 s", wallOf(noop) < 1000, `${wallOf(noop).toFixed(0)} ms`],
    [
      "peak RSS < 300 MB (every run)",
      Math.max(...rows.map(rssOf)) < 300,
      `max ${Math.max(...rows.map(rssOf)).toFixed(0)} MB`,
    ],
    ...PRESETS.map((p): [string, boolean, string] => {
      const row = rows.find((r) => r.workload === `preset ${p}`)!;
      return [`preset ${p} on an empty database < 300 ms`, wallOf(row) < 300, `${wallOf(row).toFixed(0)} ms`];
    }),
  ];
  console.log(
    `\nfor reference: apply / COPY of states and values together (${fullCopy.toFixed(0)} ms) = ${(wallOf(large) / fullCopy).toFixed(2)}×\n`,
  );
  for (const [what, met, detail] of targets) console.log(`${met ? "met   " : "MISSED"}  ${what}: ${detail}`);
  const missed = targets.filter(([, met]) => !met).length;
  console.log(missed === 0 ? "\nAll targets met." : `\n${missed} target(s) MISSED.`);
}

await main();
