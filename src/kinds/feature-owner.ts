/** Owners of a feature: users (features_feature_owners) and groups (features_feature_group_owners). */
import { type KindSpec, type Reference, inProjectField, q } from "./spec.ts";
import { SEP, UNBOUND } from "./refs.ts";
import { inProject, projectFields } from "./project.ts";
import { featureKey, featureRef, type InFeature } from "./feature.ts";
import { groupKey } from "./group.ts";
import { userKey, userRef } from "./user.ts";

export interface DesiredFeatureOwner extends InFeature {
  email: string;
}

/** A group of the organisation the feature's project belongs to. */
export interface DesiredFeatureGroupOwner extends InFeature {
  group: string;
}

/** The group is the project's organisation's: unknown until the project reference is bound. */
const groupOfProjectRef = (e: DesiredFeatureGroupOwner): Reference => {
  const organisation = e.project.organisation ?? UNBOUND;
  return {
    kind: "group",
    key: groupKey(organisation, e.group),
    label: `group ${q(e.group)} of organisation ${q(e.project.organisation ?? "?")}`,
  };
};

export const featureOwner = {
  list: "featureOwners",
  parents: ["feature"],
  noun: "feature owner",
  key: (e) => featureKey(e.project, e.feature) + SEP + userKey(e.email),
  references: (e) => [featureRef(e.project, e.feature), userRef(e.email)],
  label: (e) => ({
    text: `owner ${q(e.email)} to feature ${q(e.feature)} ${inProject(e.project)}`,
    fields: { name: e.email, feature: e.feature, ...projectFields(e.project) },
  }),
  project: inProjectField<DesiredFeatureOwner>(),
  limited: () => [],
  compared: [],
} as const satisfies KindSpec<"featureOwner">;

export const featureGroupOwner = {
  list: "featureGroupOwners",
  parents: ["feature"],
  noun: "feature group owner",
  key: (e) => featureKey(e.project, e.feature) + SEP + e.group,
  references: (e) => [featureRef(e.project, e.feature), groupOfProjectRef(e)],
  label: (e) => ({
    text: `group owner ${q(e.group)} to feature ${q(e.feature)} ${inProject(e.project)}`,
    fields: { name: e.group, feature: e.feature, ...projectFields(e.project) },
  }),
  project: inProjectField<DesiredFeatureGroupOwner>(),
  limited: () => [],
  compared: [],
} as const satisfies KindSpec<"featureGroupOwner">;
