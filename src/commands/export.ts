import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import packageJson from "../../package.json" with { type: "json" };
import { resolveDatabaseUrl, withDatabase } from "../db/connect.ts";
import { waitForDatabase } from "../db/wait.ts";
import { ExitCode, UserError } from "../errors.ts";
import { checkReadiness } from "../flagsmith/compat.ts";
import { INCLUDE_PARTS, readExport, type ExportedState } from "../flagsmith/export/index.ts";
import { renderDocument, renderFiles, type ExportHeader } from "../export/index.ts";
import type { Io } from "../io.ts";
import type { ExportOptions } from "./export-options.ts";

/**
 * `export` (contract §6): reads the database in one read-only snapshot, then writes provisioning YAML, one document
 * on stdout or one file per organisation and project in --output-dir. Returns the exit code (0).
 */
export async function exportCommand(options: ExportOptions, io: Io): Promise<number> {
  const url = resolveDatabaseUrl({ databaseUrl: options.databaseUrl, env: io.env });
  if (url === null)
    throw new UserError(
      [
        {
          rule: "no-database",
          message: "no database configured: set DATABASE_URL or DJANGO_DB_* or pass --database-url",
          hint: "export reads the Flagsmith database it is pointed at; nothing is written there",
        },
      ],
      ExitCode.runtime,
    );
  if (options.wait !== undefined) await waitForDatabase(url, options.wait, (line) => io.err(line), checkReadiness);
  const filters = {
    organisations: options.organisations,
    projects: options.projects,
    include: new Set(options.include),
  };
  // One snapshot: every kind is read as of the same moment, and nothing can be written by mistake.
  const state = await withDatabase(url, (sql) =>
    sql.begin("isolation level repeatable read read only", (tx) => readExport(tx, filters)),
  );
  const header: ExportHeader = {
    tool: `flagsmith-provision ${packageJson.version}`,
    schema: state.schema,
    organisations: options.organisations,
    projects: options.projects,
    include: options.include,
    parts: INCLUDE_PARTS,
  };
  if (options.outputDir === undefined) io.out(renderDocument(state, header).slice(0, -1));
  else writeDirectory(options.outputDir, state, header, io);
  if (state.notes.length)
    io.err(`note: the export's header lists ${state.notes.length} kind(s) of content the format cannot hold`);
  return ExitCode.ok;
}

function writeDirectory(dir: string, state: ExportedState, header: ExportHeader, io: Io): void {
  const target = resolve(io.cwd, dir);
  mkdirSync(target, { recursive: true });
  const files = renderFiles(state, header);
  for (const file of files) writeFileSync(join(target, file.name), file.text);
  const written = new Set(files.map((f) => f.name));
  const others = existsSync(target) ? readdirSync(target).filter((n) => /\.ya?ml$/.test(n) && !written.has(n)) : [];
  for (const other of others.sort())
    io.err(`warning: ${join(dir, other)} is not part of this export, but --directory ${dir} would read it too`);
  io.err(`Exported to ${dir}: ${files.length} file${files.length === 1 ? "" : "s"}.`);
}
