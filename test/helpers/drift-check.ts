/** Shared by the drift suites: one run of the product's apply command, its lines, exit code and JSON report. */
import { expect } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyCommand } from "../../src/commands/apply.ts";
import type { ApplyOptions } from "../../src/commands/options.ts";
import type { Env } from "../../src/io.ts";
import type { JsonReport } from "../../src/report/json.ts";

export interface Ran {
  code: number;
  lines: string[];
}

/** Runs apply (the default command) as the CLI would, with lines collected instead of printed. */
export async function applyRun(
  url: string,
  sources: Pick<ApplyOptions, "files" | "preset">,
  flags: Partial<ApplyOptions> = {},
  env: Env = {},
): Promise<Ran> {
  const lines: string[] = [];
  const io = {
    env: { DJANGO_SECRET_KEY: "test-secret", ...env },
    cwd: tmpdir(),
    out: (line: string) => lines.push(line),
    err: () => {},
    color: false,
  };
  const code = await applyCommand(
    { output: "text", databaseUrl: url, showEnvironmentKeys: false, dryRun: false, ...sources, ...flags },
    io,
  );
  return { code, lines };
}

/** A dry run with --detailed-exitcode: what a CI job gating on drift sees, as text and as JSON. */
export async function checkDrift(
  url: string,
  sources: Pick<ApplyOptions, "files" | "preset">,
  env: Env = {},
): Promise<{ code: number; lines: string[]; report: JsonReport }> {
  const flags = { dryRun: true, detailedExitcode: true };
  const text = await applyRun(url, sources, flags, env);
  const json = await applyRun(url, sources, { ...flags, output: "json" }, env);
  expect(json.code).toBe(text.code);
  return { code: text.code, lines: text.lines, report: JSON.parse(json.lines.join("\n")) as JsonReport };
}

/** Writes `text` to a fresh file; its path. */
export function writeYaml(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "fsp-drift-")), name);
  writeFileSync(path, text);
  return path;
}
