/**
 * What the export readers share while they read a Flagsmith database into a desired state: the filters, the rows
 * in scope by id (names to refer to them by), the desired state being filled, and the notes on what the file format
 * cannot hold.
 */
import {
  compareText,
  type Desired,
  type EnvironmentRef,
  type FeatureStateValue,
  type ProjectRef,
} from "../../kinds/index.ts";
import type { Sql } from "../context.ts";

/** The optional parts of an export (`--include`). */
export const INCLUDE_PARTS = ["identities", "overrides", "users", "password-hashes"] as const;
export type IncludePart = (typeof INCLUDE_PARTS)[number];

/** What to export: organisations and projects by name (none: all), and the optional parts. */
export interface ExportFilters {
  organisations: readonly string[];
  projects: readonly string[];
  include: ReadonlySet<IncludePart>;
}

/** One line about something the export left out or could not write faithfully; `organisation` null: instance-wide. */
export interface ExportNote {
  organisation: string | null;
  text: string;
}

/** What export read: the desired state a file would declare to recreate it, and what it could not hold. */
export interface ExportedState {
  desired: Desired;
  notes: ExportNote[];
  /** Which Flagsmith schema the database has, e.g. "Flagsmith v2.265.0 (595 migrations applied)". */
  schema: string;
}

export interface ProjectInScope {
  ref: ProjectRef;
  organisationId: number;
  preventFlagDefaults: boolean;
}

export interface EnvironmentInScope {
  ref: EnvironmentRef;
  v2: boolean;
}

export interface FeatureInScope {
  project: ProjectRef;
  name: string;
  /** The environment state a new environment or feature gets (enabled and value), options aside. */
  defaultEnabled: boolean;
  defaultValue: FeatureStateValue;
  /** Option id → its default percentage. */
  optionDefaults: Map<number, number>;
  /** Whether Flagsmith has it as MULTIVARIATE (a file's feature is, exactly when it has options). */
  multivariate: boolean;
}

/** The readers' shared state. */
export interface Reading {
  sql: Sql;
  /** "table.column" of the columns this database has, for the tables export reads (older schemas lack some). */
  present: ReadonlySet<string>;
  filters: ExportFilters;
  desired: Desired;
  notes: Notes;
  organisations: Map<number, string>;
  projects: Map<number, ProjectInScope>;
  environments: Map<number, EnvironmentInScope>;
  features: Map<number, FeatureInScope>;
  /** Tag id → label, of the tags exported. */
  tags: Map<number, string>;
  segments: Map<number, string>;
  /** Identities of the exported environments that the export names (declared, or named by an override). */
  identities: Map<number, string>;
  /** Option id → the option's value as a file writes it. */
  options: Map<number, string>;
  /** Every user the exported content names (id → email), for `--include users`. */
  users: Map<number, string>;
}

/** Ids of a map's keys, for `= any(…)`. */
export const idsOf = (map: Map<number, unknown>): number[] => [...map.keys()];

/** The organisation a project-scoped note belongs to. */
export const organisationOf = (project: ProjectRef): string | null => project.organisation;

const EXAMPLES = 5;

/**
 * Notes grouped by organisation and topic: each topic is one line with its count and a few examples, so a large
 * instance gets a readable header, and the same database always gets the same lines.
 */
export class Notes {
  private readonly topics = new Map<
    string,
    { organisation: string | null; topic: string; count: number; items: string[] }
  >();

  /** `count` things of `topic` (e.g. "archived features (created unarchived)"), named by `item` when they have a name. */
  add(organisation: string | null, topic: string, item: string | null, count = 1): void {
    if (count <= 0) return;
    const key = `${organisation ?? ""}\u0000${topic}`;
    const found = this.topics.get(key) ?? { organisation, topic, count: 0, items: [] };
    found.count += count;
    if (item !== null) found.items.push(item);
    this.topics.set(key, found);
  }

  list(): ExportNote[] {
    return [...this.topics.values()]
      .map(({ organisation, topic, count, items }) => {
        const named = [...new Set(items)].sort(compareText);
        const shown = named.slice(0, EXAMPLES).join(", ");
        const more = named.length > EXAMPLES ? `, and ${named.length - EXAMPLES} more` : "";
        return { organisation, text: `${topic}: ${count}${named.length ? ` (${shown}${more})` : ""}` };
      })
      .sort((a, b) => compareText(a.organisation ?? "", b.organisation ?? "") || compareText(a.text, b.text));
  }
}

/** `"name"`, for notes. */
export const quoted = (name: string): string => JSON.stringify(name);
