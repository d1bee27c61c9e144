/**
 * Shared by the readers of project content (environments, identities, segments, features): which
 * project-scoped names to look up, and turning found rows into key → id with ambiguity checks.
 */
import { UserError, type Issue } from "../errors.ts";
import type { ProjectRef, Sourced } from "../spec/desired.ts";
import type { Sql } from "./context.ts";
import { recordset } from "./batch.ts";

/** One name to look up inside a project; `organisation` is null while the project reference is unbound. */
export type ScopedName = {
  organisation: string | null;
  project: string;
  name: string;
};

/** A found row: its idempotency key, id, and how the user names it (for errors). */
export interface FoundRow {
  key: string;
  id: number;
  label: string;
}

/** An existing row found through `wantedInProjects`: its name, where it lives, and its id. */
export interface ProjectScopedRow {
  organisation: string;
  project: string;
  name: string;
  id: number;
}

/** A scoped name from a (possibly unbound) project reference. */
export const scopedName = (project: ProjectRef, name: string): ScopedName => ({
  organisation: project.organisation,
  project: project.name,
  name,
});

/** The first declaration naming this (found) row: same project and name, and the same or no organisation. */
export function declarationOf(
  wanted: { name: ScopedName; at: Sourced }[],
  row: { organisation: string; project: string; name: string },
  sameName: (a: string, b: string) => boolean = (a, b) => a === b,
): Sourced | undefined {
  return wanted.find(
    (w) => w.name.project === row.project && sameName(w.name.name, row.name) && (w.name.organisation ?? row.organisation) === row.organisation,
  )?.at;
}

/**
 * SQL (for a materialized CTE): the wanted names with the project each resolves to, as rows
 * (organisation, project, project_id, name); non-deleted projects and organisations only.
 */
export function wantedInProjects(sql: Sql, names: ScopedName[]) {
  return sql`
    select o.name as organisation, p.name as project, p.id as project_id, w.name
    from ${recordset(sql, distinctNames(names))} as w(organisation text, project text, name text)
    join projects_project p on p.name = w.project and p.deleted_at is null
    join organisations_organisation o on o.id = p.organisation_id and o.deleted_at is null
      and (w.organisation is null or o.name = w.organisation)`;
}

/** Distinct scoped names, so the lookup's input does not grow with repeated references. */
export function distinctNames(names: ScopedName[]): ScopedName[] {
  const seen = new Map<string, ScopedName>();
  for (const n of names) seen.set(JSON.stringify([n.organisation, n.project, n.name]), n);
  return [...seen.values()];
}

/**
 * Fills `ids` from found rows; a key matched by several rows is an "ambiguous-existing" error naming
 * the ids, placed at a declaration that refers to it (`where(row)`).
 */
export function recordFound<R extends FoundRow>(
  rows: R[],
  ids: Map<string, number | string>,
  where: (row: R) => Sourced | undefined,
): void {
  const byKey = new Map<string, R[]>();
  for (const row of rows) {
    const list = byKey.get(row.key) ?? [];
    if (!list.some((r) => r.id === row.id)) list.push(row);
    byKey.set(row.key, list);
  }
  const issues: Issue[] = [];
  for (const [key, found] of byKey) {
    if (found.length === 1) {
      ids.set(key, found[0]!.id);
      continue;
    }
    const at = where(found[0]!);
    const list = found.map((r) => r.id).sort((a, b) => a - b);
    issues.push({
      rule: "ambiguous-existing",
      message: `${found[0]!.label} matches ${found.length} existing rows (ids ${list.join(", ")})`,
      ...(at ? { position: at.source } : {}),
      hint: "rename or delete the duplicates in Flagsmith so that exactly one remains",
    });
  }
  if (issues.length > 0) throw new UserError(issues);
}

/**
 * Which of these optional "table.column"s exist here (older Flagsmith schemas lack some, columns.ts
 * `optionalColumns`); one catalog query.
 */
export async function presentQualifiedColumns(sql: Sql, wanted: string[]): Promise<Set<string>> {
  const rows = await sql<{ name: string }[]>`
    select table_name || '.' || column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name || '.' || column_name = any(${wanted}::text[])`;
  return new Set(rows.map((r) => r.name));
}

/** Which of these optional columns of one table exist here, as "table.column"; one catalog query. */
export function presentColumns(sql: Sql, table: string, columns: string[]): Promise<Set<string>> {
  return presentQualifiedColumns(sql, columns.map((c) => `${table}.${c}`));
}
