/**
 * The benchmark's printout: one table (min and median of the repeated runs), what each yardstick loaded, and
 * the targets of issue 10, each met or MISSED. A report, not a gate.
 */
import { describeWritten, type CopyRun } from "./copy-yardstick.ts";
import type { Measured } from "./run-binary.ts";
import type { WrittenTable } from "./written-rows.ts";

/** Repeated runs of the binary on one workload. */
export interface Row {
  workload: string;
  runs: Measured[];
  /** The large workloads' first run, compared with their yardstick. */
  yardstick?: Yardstick;
  /** A no-op re-run, which has its own target. */
  noop?: boolean;
  preset?: string;
}

export interface Yardstick {
  runs: CopyRun[];
  written: WrittenTable[];
}

/** The workloads not run, and why. */
export type Skipped = Array<{ workload: string; why: string }>;

const TARGET_RATIO = 2;

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
export const minOf = (xs: number[]) => sorted(xs)[0]!;
/** The lower middle for an even count, so a single slow run of two never counts. */
export const medianOf = (xs: number[]) => sorted(xs)[Math.floor((xs.length - 1) / 2)]!;
const walls = (row: Row) => row.runs.map((r) => r.wallMs);
const rssMb = (row: Row) => Math.max(...row.runs.map((r) => r.peakRssBytes)) / 1024 / 1024;
const copyMs = (y: Yardstick) => y.runs.map((r) => r.ms);

function yardstickLine(y: Yardstick): string[] {
  const rows = y.written.reduce((n, t) => n + t.rows, 0);
  return [
    `  COPY yardstick: ${rows} rows, ${y.written.length} tables`,
    minOf(copyMs(y)).toFixed(0),
    medianOf(copyMs(y)).toFixed(0),
    `commit ${medianOf(y.runs.map((r) => r.commitMs)).toFixed(0)}`,
    String(y.written.length + 2),
    "",
    "",
    "yardstick",
  ];
}

/** The table's cells; a workload's yardstick comes after its no-op re-run. */
function tableLines(rows: Row[]): string[][] {
  const table: string[][] = [];
  let pending: Yardstick | undefined;
  for (const row of rows) {
    if (!row.noop && pending) table.push(yardstickLine(pending));
    if (!row.noop) pending = row.yardstick;
    const last = row.runs[row.runs.length - 1]!.report!;
    const inProcess = row.runs.map((r) => r.report!.stats?.durationMs ?? NaN);
    table.push([
      row.workload,
      minOf(walls(row)).toFixed(0),
      medianOf(walls(row)).toFixed(0),
      medianOf(inProcess).toFixed(0),
      String(last.stats?.statements ?? "?"),
      rssMb(row).toFixed(0),
      `${last.summary.created}/${last.summary.skipped}`,
      row.yardstick ? `${(medianOf(walls(row)) / medianOf(copyMs(row.yardstick))).toFixed(2)}×` : "",
    ]);
  }
  if (pending) table.push(yardstickLine(pending));
  return table;
}

function printTable(rows: Row[]): void {
  const header = [
    "workload",
    "min ms",
    "median ms",
    "in-process ms",
    "statements",
    "peak RSS MB",
    "created/skipped",
    "÷ COPY",
  ];
  const table = tableLines(rows);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of table) console.log(line(r));
}

/** Prints everything; returns the number of targets missed. */
export function report(rows: Row[], skipped: Skipped): number {
  printTable(rows);
  console.log("\nin-process ms: the tool's own figure (stats.durationMs), median; ÷ COPY: median wall ÷ median COPY.");
  for (const row of rows.filter((r) => r.yardstick)) {
    console.log(`yardstick of ${row.workload}: ${describeWritten(row.yardstick!.written)}`);
  }
  for (const { workload, why } of skipped) console.log(`SKIPPED ${workload}: ${why}`);

  const targets: Array<[string, boolean, string]> = [];
  for (const row of rows.filter((r) => r.yardstick)) {
    const apply = medianOf(walls(row));
    const copy = medianOf(copyMs(row.yardstick!));
    targets.push([
      `${row.workload}: apply ≤ ${TARGET_RATIO}× COPY of every row it writes (one transaction)`,
      apply <= TARGET_RATIO * copy,
      `${apply.toFixed(0)} ms vs ${TARGET_RATIO} × ${copy.toFixed(0)} ms = ${(TARGET_RATIO * copy).toFixed(0)} ms`,
    ]);
  }
  for (const row of rows.filter((r) => r.noop && !r.preset)) {
    const ms = medianOf(walls(row));
    targets.push([`${row.workload} < 1 s`, ms < 1000, `${ms.toFixed(0)} ms`]);
  }
  const maxRss = Math.max(...rows.map(rssMb));
  targets.push(["peak RSS < 300 MB (every run)", maxRss < 300, `max ${maxRss.toFixed(0)} MB`]);
  for (const row of rows.filter((r) => r.preset && !r.noop)) {
    const ms = medianOf(walls(row));
    targets.push([`preset ${row.preset} on an empty database < 300 ms`, ms < 300, `${ms.toFixed(0)} ms`]);
  }
  console.log("");
  for (const [what, met, detail] of targets) console.log(`${met ? "met   " : "MISSED"}  ${what}: ${detail}`);
  const missed = targets.filter(([, met]) => !met).length;
  console.log(missed === 0 ? "\nAll targets met." : `\n${missed} target(s) MISSED.`);
  return missed;
}
