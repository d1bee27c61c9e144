/** The shape of one kind's record in the registry (index.ts KINDS). */
import type { EntityOf, Kind } from "./index.ts";
import type { EnvironmentRef, ProjectRef } from "./refs.ts";
import type { ComparedField } from "./drift.ts";
import type { Position } from "../errors.ts";

/** A reference from an entity to another that must be declared or already exist. */
export interface Reference {
  kind: Kind;
  key: string;
  /** How the user names it, e.g. `user "a@b.c"`, `environment "Dev" of project "Web"`. */
  label: string;
  /** Where the files name it, when that is not the referring entity's own position (an option under multivariate:). */
  at?: Position;
}

/** How the output names an entity: words for the text line, identifying fields for JSON. */
export interface Label {
  /** Top-level: `environment "Development" in project "Web App"`; nested: the object of "Added …". */
  text: string;
  fields: Record<string, string | boolean | string[]>;
}

/**
 * A value stored in a column of limited length: the column(s) ("table.column"; the tightest limit applies), the
 * value, and what it is, for the message (a function: only a value too long needs it).
 */
export interface LimitedValue {
  columns: string | readonly string[];
  value: string | null | undefined;
  what: () => string;
}

/**
 * Everything the shared model knows about one kind. A new kind is one entry in EntityOf and one such
 * record in KINDS; the compiler then names every per-kind table that lacks it.
 */
export interface KindSpec<K extends Kind> {
  /** The list in Desired (and in the JSON of errors): plural, as the files' top-level lists are named. */
  list: string;
  /**
   * The kinds it is nested in (created with any of them), its first references in this order; empty for a
   * top-level kind. An environment's feature state has two: the feature and the environment.
   */
  parents: readonly Kind[];
  /** How messages name one of them: "organisation member", "feature". */
  noun: string;
  /** The idempotency key: what decides whether it "already exists" (references must be bound or UNBOUND). */
  key(entity: EntityOf[K]): string;
  /** What it refers to; a nested kind's parent first. */
  references(entity: EntityOf[K]): Reference[];
  label(entity: EntityOf[K]): Label;
  /**
   * Values stored in columns of limited length (limits.ts checks them: offline Flagsmith's, connected the database's).
   */
  limited(entity: EntityOf[K]): LimitedValue[];
  /**
   * The declared fields compared with the database when the entity already exists (contract §7 drift); empty for
   * kinds that are nothing but their key (a link). Never a secret.
   */
  compared: readonly ComparedField<EntityOf[K]>[];
  /**
   * For kinds that live in a project: the project they name, and a copy naming another (bound) one. The one
   * way references are bound (kinds/refs.ts bindProject) goes through these, in resolve, diff and lookups.
   */
  project?: {
    of(entity: EntityOf[K]): ProjectRef;
    with(entity: EntityOf[K], project: ProjectRef): EntityOf[K];
    /** For kinds that live in an environment: the environment they name. */
    environment?(entity: EntityOf[K]): EnvironmentRef;
  };
}

/** `project` of a kind whose entity has a `project` field. */
export function inProjectField<E extends { project: ProjectRef }>() {
  return { of: (e: E): ProjectRef => e.project, with: (e: E, project: ProjectRef): E => ({ ...e, project }) };
}

/** `project` of a kind whose entity has an `environment` field; `environment` gives that environment. */
export function inEnvironmentField<E extends { environment: EnvironmentRef }>() {
  return {
    of: (e: E): ProjectRef => e.environment.project,
    with: (e: E, project: ProjectRef): E => ({ ...e, environment: { ...e.environment, project } }),
    environment: (e: E): EnvironmentRef => e.environment,
  };
}

/** `"value"` */
export const q = (value: string): string => `"${value}"`;
