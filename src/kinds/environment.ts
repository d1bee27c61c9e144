/** Environments of a project (environments_environment): keyed by project and name. */
import { type KindSpec, type Reference, inProjectField, q } from "./spec.ts";
import { environmentKey, type EnvironmentRef, type ProjectRef, type Sourced } from "./refs.ts";
import { inProject, projectFields, projectRef, settingField } from "./project.ts";
import type { Shown } from "./drift.ts";

/**
 * The environment settings the files may give (contract §5), by environments_environment column (the API's
 * use_identity_composite_key_for_hashing is the column use_mv_v2_evaluation); unset ones keep Flagsmith's default.
 */
export interface EnvironmentSettings {
  /** null only as read from the database: as the project's. */
  hide_disabled_flags?: boolean | null;
  allow_client_traits?: boolean;
  /** null only as read from the database (no banner). */
  banner_text?: string | null;
  banner_colour?: string | null;
  use_mv_v2_evaluation?: boolean;
  use_identity_overrides_in_local_eval?: boolean;
  hide_sensitive_data?: boolean;
  use_v2_feature_versioning?: boolean;
}

export interface DesiredEnvironment extends Sourced {
  project: ProjectRef;
  name: string;
  /** undefined: not declared (created without one, and not compared with the database). */
  description?: string | null;
  /** `show_key`: print the client-side key on the text line when created (a reporting choice, not content). */
  showKey: boolean;
  settings: EnvironmentSettings;
}

/**
 * The settings the files may give, in their order, file field → column: what drift compares (§7, reporting the
 * files' name) and the export writes (§6).
 */
export const ENVIRONMENT_SETTINGS: ReadonlyArray<readonly [string, keyof EnvironmentSettings]> = [
  ["hide_disabled_flags", "hide_disabled_flags"],
  ["allow_client_traits", "allow_client_traits"],
  ["banner_text", "banner_text"],
  ["banner_colour", "banner_colour"],
  ["use_identity_composite_key_for_hashing", "use_mv_v2_evaluation"],
  ["use_identity_overrides_in_local_eval", "use_identity_overrides_in_local_eval"],
  ["hide_sensitive_data", "hide_sensitive_data"],
  ["use_v2_feature_versioning", "use_v2_feature_versioning"],
];

const lowerCase = (value: Shown | undefined) => (typeof value === "string" ? value.toLowerCase() : value);

export const environmentRef = (ref: EnvironmentRef): Reference => ({
  kind: "environment",
  key: environmentKey(ref),
  label: `environment ${q(ref.name)} of project ${q(ref.project.name)}`,
});

export const environment = {
  list: "environments",
  parents: [],
  noun: "environment",
  key: (e) => environmentKey(e),
  references: (e) => [projectRef(e.project)],
  label: (e) => ({
    text: `environment ${q(e.name)} ${inProject(e.project)}`,
    fields: { name: e.name, ...projectFields(e.project) },
  }),
  project: inProjectField<DesiredEnvironment>(),
  limited: (e) => [
    { columns: "environments_environment.name", value: e.name, what: () => `environment ${q(e.name)} name` },
    {
      columns: "environments_environment.banner_text",
      value: e.settings.banner_text,
      what: () => `environment ${q(e.name)} banner_text`,
    },
    {
      columns: "environments_environment.banner_colour",
      value: e.settings.banner_colour,
      what: () => `environment ${q(e.name)} banner_colour`,
    },
  ],
  compared: [
    { field: "description", value: (e) => e.description },
    ...ENVIRONMENT_SETTINGS.map(([field, column]) =>
      // A hex colour means the same in either case.
      settingField<DesiredEnvironment>(field, column, column === "banner_colour" ? lowerCase : undefined),
    ),
  ],
} as const satisfies KindSpec<"environment">;
