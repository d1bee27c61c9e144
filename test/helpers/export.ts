/**
 * Export in the tests: run `apply` and `export` in-process against test databases, and compare two databases with
 * fidelity.py where its snapshots may differ only in what is generated anew on every run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyCommand } from "../../src/commands/apply.ts";
import { exportCommand } from "../../src/commands/export.ts";
import type { ExportOptions } from "../../src/commands/export-options.ts";
import { INCLUDE_PARTS } from "../../src/flagsmith/export/index.ts";
import type { Env, Io } from "../../src/io.ts";
import { FIDELITY, parseDiff, type TableDiff } from "./fidelity.ts";

/** An Io that keeps what is printed. */
export function capturingIo(env: Env = {}, cwd = "/"): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { env, cwd, out: (l) => lines.push(l), err: (l) => errors.push(l), color: false, lines, errors };
}

/** `# env: NAME=value` header lines of a fixture, as test/input/fixtures.test.ts reads them. */
export function fixtureEnv(files: readonly string[]): Env {
  const env: Env = {};
  for (const file of files)
    for (const match of readFileSync(file, "utf8").matchAll(/^# env: ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm))
      env[match[1]!] = match[2]!;
  return env;
}

/** Applies files or a preset to the database; returns the printed lines. */
export async function applyTo(
  url: string,
  source: { files?: string[]; preset?: string; env?: Env },
): Promise<string[]> {
  const io = capturingIo({ DJANGO_SECRET_KEY: "test-secret", ...source.env });
  await applyCommand(
    {
      files: source.files ?? [],
      ...(source.preset && { preset: source.preset }),
      dryRun: false,
      output: "text",
      databaseUrl: url,
      showEnvironmentKeys: false,
    },
    io,
  );
  return io.lines;
}

/** The export of a database as one document (everything included unless said otherwise). */
export async function exportOf(url: string, options: Partial<ExportOptions> = {}): Promise<string> {
  const io = capturingIo();
  await exportCommand(
    { organisations: [], projects: [], include: [...INCLUDE_PARTS], ...options, databaseUrl: url },
    io,
  );
  return io.lines.join("\n") + "\n";
}

/** Writes `text` as a provisioning file in `dir` and returns its path. */
export function saveExport(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** fidelity.py's snapshot of a database, written into `scratch` (asynchronous: two snapshots can run at once). */
export async function snapshot(url: string, scratch: string, name: string): Promise<string> {
  const out = join(scratch, `${name}.json`);
  const taken = Bun.spawn(["python3", FIDELITY, "snapshot", "--db", url, "--out", out], { stderr: "pipe" });
  if ((await taken.exited) !== 0)
    throw new Error(`fidelity.py snapshot failed: ${await new Response(taken.stderr).text()}`);
  return out;
}

/** fidelity.py's diff of two snapshots (regular tables), per table. */
export function diffSnapshots(reference: string, actual: string): { out: string; tables: Map<string, TableDiff> } {
  const diff = Bun.spawnSync(["python3", FIDELITY, "diff", "--ignore-historical", "--limit", "50", reference, actual], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = diff.stdout.toString() + diff.stderr.toString();
  return { out, tables: parseDiff(out) };
}
