/** What the desired state names, collected for the readers' one-query-per-kind lookups. */
import type { Issue } from "../../errors.ts";
import {
  bindProject as bindProjectRef,
  organisationKey,
  projectRefsOf,
  referencesTo,
  userKey,
  type Desired,
  type Existing,
  type ProjectRef,
  type Sourced,
  specOf,
  type EntityOf,
  type Kind,
} from "../../kinds/index.ts";

/** Every user the desired state names, by key: declared users and every user reference. */
export function referencedEmails(d: Desired): string[] {
  return [...new Set([...d.users.map((u) => userKey(u.email)), ...referencesTo(d, "user").map((r) => r.ref.key)])];
}

/** Every project reference: declared projects and the references of the kinds that live in a project. */
export function projectRefs(d: Desired): (ProjectRef & Sourced)[] {
  return [...d.projects, ...projectRefsOf(d).map(({ ref, from }) => ({ ...ref, source: from.source }))];
}

/** Every organisation name the desired state names, declared or referenced. */
export function referencedOrganisations(d: Desired): string[] {
  const names = [
    ...d.organisations.map((e) => e.name),
    ...referencesTo(d, "organisation").map((r) => r.ref.key),
    ...projectRefs(d).flatMap((r) => (r.organisation === null ? [] : [r.organisation])),
  ];
  return [...new Set(names)];
}

/** Where an organisation name first appears, to point an error at the file. */
export function firstMention(d: Desired, name: string): Sourced | undefined {
  return (
    d.organisations.find((e) => e.name === name) ??
    referencesTo(d, "organisation").find((r) => r.ref.key === organisationKey(name))?.from
  );
}

/**
 * The reference with its organisation, bound by the existing projects; null when it cannot be bound (diff reports
 * that).
 */
export function bindProject(ref: ProjectRef, existing: Pick<Existing, "projectOrganisations">): ProjectRef | null {
  const binding = bindProjectRef(ref, (name) => existing.projectOrganisations.get(name) ?? []);
  return "ref" in binding ? binding.ref : null;
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
  if (typeof id !== "number")
    throw new Error(
      `internal: unresolved reference of the entity at ${entity.source.file}:${entity.source.line}:${entity.source.column}`,
    );
  return id;
}

/**
 * The entities of a kind living in a project whose project reference can be bound, with it bound (the others
 * cannot exist yet): what the readers look up, keyed as the plan will key them.
 */
export function inBoundProjects<K extends Kind>(
  kind: K,
  entities: readonly EntityOf[K][],
  existing: Pick<Existing, "projectOrganisations">,
): EntityOf[K][] {
  const { of, with: replace } = specOf(kind).project!;
  return entities.flatMap((e) => {
    const project = bindProject(of(e), existing);
    return project ? [replace(e, project)] : [];
  });
}
