/** Features of a project (features_feature): keyed by project and name, case-insensitively (a lower(name) index). */
import { type KindSpec, type Reference, inProjectField, q } from "./spec.ts";
import { projectKey, SEP, type ProjectRef, type Sourced } from "./refs.ts";
import { inProject, projectFields, projectRef } from "./project.ts";

export interface DesiredFeature extends Sourced {
  project: ProjectRef;
  name: string;
  /** undefined: not declared (created with Flagsmith's default, and not compared with the database). */
  description?: string | null;
  defaultEnabled?: boolean;
  /** The raw remote-config value as Flagsmith stores it in `features_feature.initial_value`; null for a plain flag. */
  initialValue?: string | null;
  isServerKeyOnly?: boolean;
}

/** Something declared under a feature of a project: a tag, an owner, a multivariate option. */
export interface InFeature extends Sourced {
  project: ProjectRef;
  feature: string;
}

export const featureKey = (project: ProjectRef, name: string): string => projectKey(project) + SEP + name.toLowerCase();

export const featureRef = (project: ProjectRef, name: string): Reference => ({
  kind: "feature",
  key: featureKey(project, name),
  label: `feature ${q(name)} of project ${q(project.name)}`,
});

export const feature = {
  list: "features",
  parents: [],
  noun: "feature",
  key: (e) => featureKey(e.project, e.name),
  references: (e) => [projectRef(e.project)],
  label: (e) => ({
    text: `feature ${q(e.name)} ${inProject(e.project)}`,
    fields: { name: e.name, ...projectFields(e.project) },
  }),
  project: inProjectField<DesiredFeature>(),
  limited: (e) => [
    { columns: "features_feature.name", value: e.name, what: () => `feature ${q(e.name)} name` },
    // The initial value is copied into every environment's feature state value as well.
    {
      columns: ["features_feature.initial_value", "features_featurestatevalue.string_value"],
      value: e.initialValue,
      what: () => `feature ${q(e.name)} initial_value`,
    },
  ],
  compared: [
    { field: "description", value: (e) => e.description },
    { field: "default_enabled", value: (e) => e.defaultEnabled },
    // As stored: Flagsmith keeps the initial value as text (it types each environment's copy).
    { field: "initial_value", value: (e) => e.initialValue },
    { field: "is_server_key_only", value: (e) => e.isServerKeyOnly },
  ],
} as const satisfies KindSpec<"feature">;
