/**
 * Shared by the readers of project content (environments, identities, segments, features): which
 * project-scoped names to look up, and turning found rows into key → id with ambiguity checks.
 */
import { UserError, type Issue } from "../../errors.ts";
import { type ProjectRef, type Sourced, type Existing, projectKey } from "../../kinds/index.ts";
import { bindProject } from "./lookups.ts";

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
function declarationOf(
  wanted: { name: ScopedName; at: Sourced }[],
  row: { organisation: string; project: string; name: string },
  sameName: (a: string, b: string) => boolean = (a, b) => a === b,
): Sourced | undefined {
  return wanted.find(
    (w) =>
      w.name.project === row.project &&
      sameName(w.name.name, row.name) &&
      (w.name.organisation ?? row.organisation) === row.organisation,
  )?.at;
}

/** A row found by project id, as the lookup queries return it. */
export type RowInProject = { project_id: number; name: string; id: number };

/**
 * Finds existing rows of the wanted names in their projects. The projects reader ran first (KIND_ORDER) and
 * bound the references that name no organisation, so the projects are known by id here: the query gets
 * (project id, name) pairs instead of joining names through projects and organisations per row, which cost
 * a nested loop per wanted name (100 ms for 10,000 features). Names whose project does not exist are not
 * looked up (there is nothing to find). `lookup` may return extra rows (e.g. every wanted name in every
 * wanted project); only the wanted pairs are kept, compared after `normalise` (lower case for features).
 */
export async function findInProjects<R extends RowInProject = RowInProject>(
  names: ScopedName[],
  existing: Existing,
  lookup: (projectIds: number[], names: string[]) => Promise<R[]>,
  normalise: (name: string) => string = (name) => name,
): Promise<Array<ProjectScopedRow & { row: R }>> {
  const projectIds: number[] = [];
  const wantedNames: string[] = [];
  const wanted = new Set<string>();
  const projectOf = new Map<number, { organisation: string; project: string }>();
  for (const n of names) {
    const bound = bindProject({ organisation: n.organisation, name: n.project }, existing);
    const id = bound && existing.ids.project.get(projectKey(bound));
    if (typeof id !== "number") continue;
    const pair = `${id}\u0000${normalise(n.name)}`;
    if (wanted.has(pair)) continue;
    wanted.add(pair);
    projectIds.push(id);
    wantedNames.push(n.name);
    projectOf.set(id, { organisation: bound!.organisation!, project: bound!.name });
  }
  if (projectIds.length === 0) return [];
  const rows = await lookup(projectIds, wantedNames);
  return rows
    .filter((r) => wanted.has(`${r.project_id}\u0000${normalise(r.name)}`))
    .map((r) => ({ ...projectOf.get(r.project_id)!, name: r.name, id: r.id, row: r }));
}

/**
 * Records the rows `findInProjects` found for one kind: keyed by (project, name), labelled
 * `<noun> "name" of project "p"` for errors, an ambiguity placed at the first declaration naming the row.
 */
export function recordFoundInProjects(
  rows: ProjectScopedRow[],
  wanted: { name: ScopedName; at: Sourced }[],
  kind: {
    noun: string;
    key: (project: ProjectRef, name: string) => string;
    sameName?: (a: string, b: string) => boolean;
  },
): Map<string, number | string> {
  return recordFound(
    rows.map((r) => ({
      key: kind.key({ organisation: r.organisation, name: r.project }, r.name),
      id: r.id,
      label: `${kind.noun} "${r.name}" of project "${r.project}"`,
      row: r,
    })),
    ({ row }) => declarationOf(wanted, row, kind.sameName),
  );
}

/**
 * Key → id of found rows; a key matched by several rows is an "ambiguous-existing" error naming
 * the ids, placed at a declaration that refers to it (`where(row)`).
 */
export function recordFound<R extends FoundRow>(
  rows: R[],
  where: (row: R) => Sourced | undefined,
): Map<string, number | string> {
  const ids = new Map<string, number | string>();
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
  return ids;
}
