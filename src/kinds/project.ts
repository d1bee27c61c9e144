/** Projects (projects_project): keyed by organisation and name. */
import { type KindSpec, type Reference, q } from "./spec.ts";
import { projectKey, type ProjectRef, type Sourced } from "./refs.ts";
import { organisationRef } from "./organisation.ts";
import type { ComparedField, Shown } from "./drift.ts";

/** The project settings the files may give (contract §5), by projects_project column; unset ones keep Flagsmith's default. */
export interface ProjectSettings {
  hide_disabled_flags?: boolean;
  enforce_feature_owners?: boolean;
  /** null only as read from the database (no regex). */
  feature_name_regex?: string | null;
  only_allow_lower_case_feature_names?: boolean;
  prevent_flag_defaults?: boolean;
}

export interface DesiredProject extends Sourced {
  organisation: string;
  name: string;
  settings: ProjectSettings;
}

/**
 * One setting compared as its own field, named as the files name it (`field`), stored in `column`. The reader gives
 * every column the database has (null included); a column this Flagsmith version lacks is missing there, and
 * such a setting is not compared: the database cannot hold it, and the writer left it out.
 */
export function settingField<E extends { settings: object }>(
  field: string,
  column = field,
  normalise: (value: Shown | undefined) => Shown | undefined = (value) => value,
): ComparedField<E> {
  const of = (e: E): Record<string, Shown | undefined> => e.settings as Record<string, Shown | undefined>;
  return {
    field,
    value: (e, declared) =>
      normalise(column in of(e) ? of(e)[column] : e === declared ? undefined : of(declared)[column]),
  };
}

/** The settings the files may give, in their order: what drift compares (§7) and the export writes (§6). */
export const PROJECT_SETTINGS = [
  "hide_disabled_flags",
  "enforce_feature_owners",
  "feature_name_regex",
  "only_allow_lower_case_feature_names",
  "prevent_flag_defaults",
] as const satisfies readonly (keyof ProjectSettings)[];

export const projectRef = (ref: ProjectRef): Reference => ({
  kind: "project",
  key: projectKey(ref),
  label: `project ${q(ref.name)}`,
});

/** `in project "P"`, how lines name what lives in a project. */
export const inProject = (project: ProjectRef): string => `in project ${q(project.name)}`;

/** The JSON fields locating something in a project. */
export function projectFields(project: ProjectRef): Record<string, string> {
  return project.organisation
    ? { project: project.name, organisation: project.organisation }
    : { project: project.name };
}

export const project = {
  list: "projects",
  parents: [],
  noun: "project",
  key: (e) => projectKey(e),
  references: (e) => [organisationRef(e.organisation)],
  label: (e) => ({ text: `project ${q(e.name)}`, fields: { name: e.name, organisation: e.organisation } }),
  limited: (e) => [
    { columns: "projects_project.name", value: e.name, what: () => `project ${q(e.name)} name` },
    {
      columns: "projects_project.feature_name_regex",
      value: e.settings.feature_name_regex,
      what: () => `project ${q(e.name)} feature_name_regex`,
    },
  ],
  compared: PROJECT_SETTINGS.map((name) => settingField<DesiredProject>(name)),
} as const satisfies KindSpec<"project">;
