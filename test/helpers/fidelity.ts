/** fidelity.py (../shared/tools) from the tests: snapshot a test database and diff it against a reference. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SHARED = join(import.meta.dir, "..", "..", "..", "shared");
export const REFERENCE_DIR = join(SHARED, "flagsmith", "reference");
export const FIDELITY = join(SHARED, "tools", "fidelity.py");

/** Whether fidelity.py and these reference files are there (they live beside the project, not in it). */
export const fidelityAvailable = (...references: string[]): boolean =>
  existsSync(FIDELITY) && references.every((r) => existsSync(join(REFERENCE_DIR, r)));

export interface TableDiff {
  reference: number;
  actual: number;
  summary: string;
  /** Columns reported as changed, over all changed rows. */
  changedColumns: string[];
}

/** fidelity.py's diff report, per table: row counts, its summary ("14 missing", "1 changed") and changed columns. */
export function parseDiff(out: string): Map<string, TableDiff> {
  const tables = new Map<string, TableDiff>();
  let current: TableDiff | null = null;
  for (const line of out.split("\n")) {
    const header = /^(\w+)\s+\(rows: reference (\d+), actual (\d+); (.*)\)$/.exec(line);
    if (header) {
      current = { reference: Number(header[2]), actual: Number(header[3]), summary: header[4]!, changedColumns: [] };
      tables.set(header[1]!, current);
      continue;
    }
    const changed = /^\s{6}(\w+): .* \(reference\)\s+->\s+.* \(actual\)$/.exec(line);
    if (changed && current) current.changedColumns.push(changed[1]!);
  }
  return tables;
}

/**
 * Snapshots `databaseUrl` into `scratch` and diffs it against the reference (regular tables only). `rewrite`
 * may edit the reference's text first, to take out one named, explained difference before comparing the rest.
 */
export function diffAgainstReference(
  databaseUrl: string,
  reference: string,
  scratch: string,
  rewrite: (text: string) => string = (t) => t,
): { out: string; tables: Map<string, TableDiff> } {
  const snapshot = join(scratch, "actual.json");
  const taken = Bun.spawnSync(["python3", FIDELITY, "snapshot", "--db", databaseUrl, "--out", snapshot], {
    stderr: "pipe",
  });
  if (taken.exitCode !== 0) throw new Error(`fidelity.py snapshot failed: ${taken.stderr.toString()}`);
  const expected = join(scratch, "reference.json");
  writeFileSync(expected, rewrite(readFileSync(join(REFERENCE_DIR, reference), "utf8")));
  const diff = Bun.spawnSync(
    ["python3", FIDELITY, "diff", "--ignore-historical", "--limit", "200", expected, snapshot],
    { stdout: "pipe", stderr: "pipe" },
  );
  const out = diff.stdout.toString() + diff.stderr.toString();
  return { out, tables: parseDiff(out) };
}
