/** Tags of a project (tags_tag) and the features they are on (features_feature_tags). */
import { type KindSpec, type Reference, inProjectField, q } from "./spec.ts";
import { projectKey, SEP, type ProjectRef, type Sourced } from "./refs.ts";
import { inProject, projectFields, projectRef } from "./project.ts";
import { featureKey, featureRef, type InFeature } from "./feature.ts";

export interface DesiredTag extends Sourced {
  project: ProjectRef;
  /** Case-sensitive: Flagsmith allows "Beta" and "beta" side by side. */
  label: string;
  /** undefined: not declared (the dashboard's first colour, and not compared with the database). */
  color?: string;
  /** undefined: not declared (created without one, and not compared with the database). */
  description?: string | null;
}

export interface DesiredFeatureTag extends InFeature {
  tag: string;
}

export const tagKey = (project: ProjectRef, label: string): string => projectKey(project) + SEP + label;

export const tagRef = (project: ProjectRef, label: string): Reference => ({
  kind: "tag",
  key: tagKey(project, label),
  label: `tag ${q(label)} of project ${q(project.name)}`,
});

export const tag = {
  list: "tags",
  parents: ["project"],
  noun: "tag",
  key: (e) => tagKey(e.project, e.label),
  references: (e) => [projectRef(e.project)],
  label: (e) => ({
    text: `tag ${q(e.label)} to project ${q(e.project.name)}`,
    fields: { name: e.label, ...projectFields(e.project) },
  }),
  project: inProjectField<DesiredTag>(),
  limited: (e) => [
    { columns: "tags_tag.label", value: e.label, what: () => `tag ${q(e.label)} label` },
    { columns: "tags_tag.color", value: e.color, what: () => `tag ${q(e.label)} color` },
    { columns: "tags_tag.description", value: e.description, what: () => `tag ${q(e.label)} description` },
  ],
  compared: [
    // A hex colour means the same in either case.
    { field: "color", value: (e) => e.color?.toLowerCase() },
    { field: "description", value: (e) => e.description },
  ],
} as const satisfies KindSpec<"tag">;

export const featureTag = {
  list: "featureTags",
  parents: ["feature"],
  noun: "feature tag",
  key: (e) => featureKey(e.project, e.feature) + SEP + e.tag,
  references: (e) => [featureRef(e.project, e.feature), tagRef(e.project, e.tag)],
  label: (e) => ({
    text: `tag ${q(e.tag)} to feature ${q(e.feature)} ${inProject(e.project)}`,
    fields: { name: e.tag, feature: e.feature, ...projectFields(e.project) },
  }),
  project: inProjectField<DesiredFeatureTag>(),
  limited: () => [],
  compared: [],
} as const satisfies KindSpec<"featureTag">;
