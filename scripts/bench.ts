/**
 * `bun run bench`: measures the compiled binary as an operator runs it (a whole process per run) on its own
 * databases (fsp_bench_*, dropped at the end), and prints a table and the targets of issue 10: each preset
 * < 300 ms on an empty database; each large workload within 2× of its COPY yardstick (every row the apply
 * wrote, every table, loaded again by COPY in one transaction into a fresh database); their no-op re-runs
 * < 1 s; peak RSS < 300 MB. A report, not a gate: it exits 0 when a target is missed, and says MISSED.
 *
 * Workloads: the presets; "large" (10 projects × 10 environments × 1000 features, 100 segments per project);
 * "overrides" (the same plus PROVISIONING.md §5 content: 10k segment and 10k identity overrides, 10k identities),
 * skipped with a line saying so while the tool refuses its files (`validate` exits 2).
 *
 * Usage: bun scripts/bench.ts [--repeat N] [--quick]
 *   --repeat N  runs of every measurement, each on a fresh database (min and median shown; default 3)
 *   --quick     the large workloads at a tenth of their size (10 × 10 × 100), for a fast look
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinary } from "../test/helpers/binary.ts";
import { copyYardstick } from "./bench/copy-yardstick.ts";
import { BenchDatabases, benchSchema } from "./bench/databases.ts";
import { writeOverridesWorkload, type OverridesShape } from "./bench/overrides-workload.ts";
import { report, type Row, type Skipped, type Yardstick } from "./bench/report.ts";
import { RSS_MEASURED_BY, runMeasured, type Measured } from "./bench/run-binary.ts";
import { writeWorkload, type WorkloadShape } from "./bench/workload.ts";
import { captureWritten, watermark } from "./bench/written-rows.ts";
import { exportReport, measureExport } from "./bench/export.ts";

const REPO = join(import.meta.dir, "..");
const PRESETS = ["bootstrap", "dev", "e2e", "demo", "fof"];
const ENV = { DJANGO_SECRET_KEY: "bench-secret-key" };

const args = process.argv.slice(2);
const repeat = Math.max(1, Number(args[args.indexOf("--repeat") + 1]) || 3);
const quick = args.includes("--quick");
const LARGE: WorkloadShape = { projects: 10, environments: 10, features: quick ? 100 : 1000, segments: 100 };
const OVERRIDES: OverridesShape = { ...LARGE, overridden: quick ? 5 : 50 };

/** A generated workload: writes its files into a directory and returns its label. */
interface LargeWorkload {
  name: string;
  write: (dir: string) => string;
  /** Run `validate` first and skip the workload when the tool refuses its files (exit 2). */
  skipWhenRefused: boolean;
}

const shapeLabel = (s: WorkloadShape) => `${s.projects}×${s.environments}×${s.features}`;
const WORKLOADS: LargeWorkload[] = [
  {
    name: "large",
    skipWhenRefused: false,
    write: (dir) => {
      const c = writeWorkload(dir, LARGE);
      return `${shapeLabel(LARGE)} (${c.featureStates} states, ${c.segments} segments)`;
    },
  },
  {
    name: "overrides",
    skipWhenRefused: true,
    write: (dir) => {
      const c = writeOverridesWorkload(dir, OVERRIDES);
      return `${shapeLabel(OVERRIDES)} + ${c.segmentOverrides} segment, ${c.identityOverrides} identity overrides`;
    },
  },
];

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
  const exports: Measured[] = [];
  const skipped: Skipped = [];
  const begun = performance.now();
  const progress = (what: string) => console.error(`[${((performance.now() - begun) / 1000).toFixed(1)}s] ${what}`);
  const run = (binaryArgs: string[], url?: string) =>
    runMeasured(binary, binaryArgs, { cwd: work, env: url ? { ...ENV, DATABASE_URL: url } : ENV });
  const apply = async (url: string, sourceArgs: string[], what: string) =>
    check(await run([...sourceArgs, "--output", "json"], url), what);

  console.log(`flagsmith-provision benchmark: schema ${schema.label}, binary ${binary}`);
  console.log(`${repeat} runs of everything, each on a fresh database; large workloads ${shapeLabel(LARGE)}`);
  console.log(`peak RSS: ${RSS_MEASURED_BY}\n`);
  try {
    // a) presets: empty database, then the no-op re-run on the same database.
    for (const preset of PRESETS) {
      progress(`preset ${preset}`);
      const first: Row = { workload: `preset ${preset}`, runs: [], preset };
      const again: Row = { workload: `preset ${preset} (no-op)`, runs: [], preset, noop: true };
      for (let i = 0; i < repeat; i++) {
        const db = await dbs.fresh();
        first.runs.push(await apply(db.url, ["--preset", preset], `preset ${preset}`));
        again.runs.push(await apply(db.url, ["--preset", preset], `preset ${preset} re-run`));
      }
      rows.push(first, again);
    }

    // b) the large workloads: apply, no-op re-run, and the yardstick, interleaved so that drift hits both.
    // Every fresh database is a copy of one template, so one watermark tells the apply's rows in all of them.
    const template = await dbs.fresh();
    const before = await watermark(template.url);
    await dbs.drop(template.name);
    for (const workload of WORKLOADS) {
      const dir = join(work, workload.name);
      const label = workload.write(dir);
      const source = ["--directory", dir];
      if (workload.skipWhenRefused) {
        const validated = await run(["validate", ...source]);
        if (validated.exitCode === 2) {
          const first = validated.stderr.split("\n").find((l) => l.trim() !== "") ?? "";
          const why = first.replaceAll(`${dir}/`, "").trim();
          skipped.push({ workload: `${workload.name} workload`, why: `the tool refuses its files (${why})` });
          progress(`${workload.name} workload skipped: validate exits 2`);
          continue;
        }
        if (validated.exitCode !== 0) check(validated, `validate of the ${workload.name} workload`);
      }
      const yardstick: Yardstick = { runs: [], written: [] };
      const first: Row = { workload: label, runs: [], yardstick };
      const again: Row = { workload: `${label} (no-op)`, runs: [], noop: true };
      for (let i = 0; i < repeat; i++) {
        progress(`${workload.name} workload, run ${i + 1} of ${repeat}`);
        const db = await dbs.fresh();
        first.runs.push(await apply(db.url, source, `${workload.name} workload`));
        again.runs.push(await apply(db.url, source, `${workload.name} workload re-run`));
        // Issue 12: exporting the large workload's database, against its no-op re-run.
        if (workload.name === "large") exports.push(await measureExport(binary, db.url, work));
        // What the yardstick loads: every row of the first apply (and of its re-run, which should add none).
        if (i === 0) yardstick.written = await captureWritten(db.url, before);
        await dbs.drop(db.name);
        progress(`${workload.name} yardstick, run ${i + 1} of ${repeat}`);
        const yard = await dbs.fresh();
        yardstick.runs.push(await copyYardstick(yard.url, yardstick.written));
        await dbs.drop(yard.name);
      }
      rows.push(first, again);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await dbs.dropAll();
    rmSync(work, { recursive: true, force: true });
  }
  report(rows, skipped);
  const noop = rows.find((r) => r.noop && r.workload.startsWith(shapeLabel(LARGE)));
  for (const line of exportReport(exports, noop?.runs ?? [])) console.log(line);
}

await main();
