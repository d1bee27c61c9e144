/**
 * References between entities, and the one way to bind a project reference that names no organisation.
 * A reference is bound when its organisation is known; until then it keys under UNBOUND, so keys stay
 * consistent (and distinct from any real organisation's) wherever they are computed.
 */
import type { Position } from "../errors.ts";

/** Separates the parts of an idempotency key (a character no name contains). */
export const SEP = "\u001f";

/** Stands for the organisation of a project reference that is not bound (yet, or offline, ever). */
export const UNBOUND = "\u0000unbound";

/**
 * A project named by a declaration. `organisation` is null when the files name the project without its
 * organisation and declare no project of that name: it is bound by name against the database (bindProject).
 */
export interface ProjectRef {
  organisation: string | null;
  name: string;
}

/** An environment named by a declaration. */
export interface EnvironmentRef {
  project: ProjectRef;
  name: string;
}

/** Where an entity is declared: a file (or `preset:NAME/file.yaml`) and a 1-based line and column. */
export interface Sourced {
  source: Position;
}

/** Where a stored entity (read from the database, for drift and export) comes from. */
export const IN_DATABASE: Position = { file: "(database)", line: 0, column: 0 };

/** The key of a project: organisation and name; an unbound reference keys under UNBOUND. */
export function projectKey(ref: ProjectRef): string {
  return (ref.organisation ?? UNBOUND) + SEP + ref.name;
}

/** The key of an environment: its project's key and its name. */
export function environmentKey(ref: EnvironmentRef): string {
  return projectKey(ref.project) + SEP + ref.name;
}

/** What binding a project reference found: the bound reference, or why there is none. */
export type Binding = { ref: ProjectRef } | { ambiguous: readonly string[] } | { unknown: true };

/**
 * Binds a reference that names no organisation to the one organisation holding a project of that name
 * (`organisationsOf` lists them: declared ones while resolving, existing ones against the database).
 */
export function bindProject(ref: ProjectRef, organisationsOf: (name: string) => readonly string[]): Binding {
  if (ref.organisation !== null) return { ref };
  const candidates = organisationsOf(ref.name);
  if (candidates.length === 1) return { ref: { ...ref, organisation: candidates[0]! } };
  return candidates.length > 1 ? { ambiguous: candidates } : { unknown: true };
}
