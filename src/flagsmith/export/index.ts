/**
 * Reads a Flagsmith database into the desired state a provisioning file would declare to recreate it (contract
 * §6): one query per kind over the whole scope, in the processing order, inside the caller's (read-only) transaction.
 * Soft-deleted rows are never read; what the format cannot hold becomes notes.
 */
import { ExitCode, UserError } from "../../errors.ts";
import { emptyDesired } from "../../kinds/index.ts";
import { findSchemaProblems, readColumns } from "../compat.ts";
import type { Sql } from "../context.ts";
import { readFeatures } from "./features.ts";
import { readIdentities } from "./identities.ts";
import { readOrganisationContent } from "./organisations.ts";
import { readIdentityOverrides, readSegmentOverrides } from "./overrides.ts";
import { readProjectContent } from "./projects.ts";
import { Notes, type ExportedState, type ExportFilters, type Reading } from "./reading.ts";
import { describeSchema } from "./schema-version.ts";
import { readScope } from "./scope.ts";
import { readSegments } from "./segments.ts";
import { readAllocations, readStates } from "./states.ts";
import { noteUnheld } from "./unheld.ts";
import { readUsers } from "./users.ts";

export { INCLUDE_PARTS, type ExportedState, type ExportFilters, type ExportNote, type IncludePart } from "./reading.ts";

export async function readExport(sql: Sql, filters: ExportFilters): Promise<ExportedState> {
  const columns = await readColumns(sql);
  const { missing } = findSchemaProblems(columns);
  if (missing.length)
    throw new UserError(
      missing.map((problem) => ({
        rule: "unsupported-database",
        message: `unsupported Flagsmith database: ${problem}`,
        hint: "point --database-url at Flagsmith's database, once its migrations have run",
      })),
      ExitCode.unsupportedDatabase,
    );
  const r: Reading = {
    sql,
    present: new Set(columns.map((c) => `${c.table}.${c.column}`)),
    filters,
    desired: emptyDesired(),
    notes: new Notes(),
    organisations: new Map(),
    projects: new Map(),
    environments: new Map(),
    features: new Map(),
    tags: new Map(),
    segments: new Map(),
    identities: new Map(),
    options: new Map(),
    users: new Map(),
  };
  await readScope(r);
  await readSiteDomain(r);
  await readOrganisationContent(r);
  await readProjectContent(r);
  if (filters.include.has("identities")) await readIdentities(r);
  await readSegments(r);
  await readFeatures(r);
  const allocations = await readAllocations(r);
  await readStates(r, allocations);
  await readSegmentOverrides(r, allocations);
  if (filters.include.has("overrides")) await readIdentityOverrides(r, allocations);
  await readUsers(r);
  await noteUnheld(r);
  return { desired: r.desired, notes: r.notes.list(), schema: await describeSchema(sql) };
}

/** The Django site's domain (app_domain), unless it is still Django's placeholder. */
async function readSiteDomain(r: Reading): Promise<void> {
  const [site] = await r.sql<{ domain: string }[]>`select domain from django_site where id = 1`;
  if (site && site.domain !== "example.com")
    r.desired.appDomain = { value: site.domain, source: { file: "(database)", line: 0, column: 0 } };
}
