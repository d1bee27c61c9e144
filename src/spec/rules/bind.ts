import type { ProjectRef } from "../desired.ts";

/** Marks a project known only by name (organisation still to be found in the database). */
export const UNBOUND = "\u0000unbound";

/**
 * A copy of `entity` whose project reference is usable by plan/keys.ts: a reference still unbound (organisation
 * null, to be bound against the database) gets a placeholder organisation, so it keys consistently by name.
 */
export function keyable<T>(entity: T): T {
  const e = entity as { project?: ProjectRef; environment?: { project: ProjectRef } };
  if (e.project && e.project.organisation === null) return { ...entity, project: { ...e.project, organisation: UNBOUND } };
  if (e.environment && e.environment.project.organisation === null) {
    return { ...entity, environment: { ...e.environment, project: { ...e.environment.project, organisation: UNBOUND } } };
  }
  return entity;
}
