/** Environments of a project (environments_environment): keyed by project and name. */
import { type KindSpec, type Reference, inProjectField, q } from "./spec.ts";
import { environmentKey, type EnvironmentRef, type ProjectRef, type Sourced } from "./refs.ts";
import { inProject, projectFields, projectRef } from "./project.ts";

/**
 * The environment settings the files may give (contract §5), by environments_environment column (the API's
 * use_identity_composite_key_for_hashing is the column use_mv_v2_evaluation); unset ones keep Flagsmith's default.
 */
export interface EnvironmentSettings {
  hide_disabled_flags?: boolean;
  allow_client_traits?: boolean;
  banner_text?: string;
  banner_colour?: string;
  use_mv_v2_evaluation?: boolean;
  use_identity_overrides_in_local_eval?: boolean;
  hide_sensitive_data?: boolean;
  use_v2_feature_versioning?: boolean;
}

export interface DesiredEnvironment extends Sourced {
  project: ProjectRef;
  name: string;
  description: string | null;
  /** `show_key`: print the client-side key on the text line when created (a reporting choice, not content). */
  showKey: boolean;
  settings: EnvironmentSettings;
}

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
  compared: [],
} as const satisfies KindSpec<"environment">;
