/** What the desired state names, collected for the readers' one-query-per-kind lookups. */
import type { Issue } from "../errors.ts";
import { type Desired, type ProjectRef, type Sourced } from "../kinds/index.ts";
import { type Existing } from "../kinds/index.ts";
import { normaliseEmail } from "../kinds/index.ts";

/** Every email the desired state names: declared users and every user reference. */
export function referencedEmails(d: Desired): string[] {
  const all = [
    ...d.users,
    ...d.memberships,
    ...d.groupMembers,
    ...d.organisationPermissions,
    ...d.projectPermissions,
    ...d.environmentPermissions,
  ].map((e) => normaliseEmail(e.email));
  return [...new Set(all)];
}

/** Every project reference: declared projects and the references of nested and top-level kinds. */
export function projectRefs(d: Desired): (ProjectRef & Sourced)[] {
  return [
    ...d.projects,
    ...d.projectPermissions.map((e) => ({ ...e.project, source: e.source })),
    ...d.environments.map((e) => ({ ...e.project, source: e.source })),
    ...d.environmentPermissions.map((e) => ({ ...e.environment.project, source: e.source })),
    ...d.identities.map((e) => ({ ...e.environment.project, source: e.source })),
    ...d.segments.map((e) => ({ ...e.project, source: e.source })),
    ...d.features.map((e) => ({ ...e.project, source: e.source })),
  ];
}

/** Every organisation name the desired state names, declared or referenced. */
export function referencedOrganisations(d: Desired): string[] {
  const names = [
    ...d.organisations.map((e) => e.name),
    ...[...d.memberships, ...d.groups, ...d.groupMembers, ...d.organisationPermissions, ...d.masterApiKeys].map((e) => e.organisation),
    ...projectRefs(d).flatMap((r) => (r.organisation === null ? [] : [r.organisation])),
  ];
  return [...new Set(names)];
}

/** The reference with its organisation, bound like plan/diff.ts binds it; null when it cannot be bound (diff reports that). */
export function bindProject(ref: ProjectRef, existing: Existing): ProjectRef | null {
  if (ref.organisation !== null) return ref;
  const candidates = existing.projectOrganisations.get(ref.name) ?? [];
  return candidates.length === 1 ? { ...ref, organisation: candidates[0]! } : null;
}

/** The "ambiguous-existing" issue: a name we key by matches several live rows, so we cannot tell which one is meant. */
export function ambiguousExisting(what: string, ids: readonly (number | string)[], at: Sourced | undefined): Issue {
  return {
    rule: "ambiguous-existing",
    message: `${what} matches ${ids.length} rows in the database (ids ${ids.join(", ")}); names are not unique in Flagsmith, so it is not clear which one is meant`,
    position: at?.source,
    hint: "rename or delete the duplicates in Flagsmith so that the name is unique, then run again",
  };
}

/** Groups rows by a key; a key with more than one row is ambiguous. */
export function groupRows<R>(rows: readonly R[], keyOf: (r: R) => string): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** The id of a referenced row; the plan guarantees it exists or was created earlier in this run. */
export function idFor(ids: Map<string, number | string>, key: string, entity: Sourced): number {
  return requireId(ids.get(key), entity);
}

/** An id that must be known at this point (a missing one is a bug in planning, not a user mistake). */
export function requireId(id: number | string | undefined, entity: Sourced): number {
  if (typeof id !== "number") throw new Error(`internal: unresolved reference of the entity at ${entity.source.file}:${entity.source.line}:${entity.source.column}`);
  return id;
}
