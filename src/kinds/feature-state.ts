/**
 * A feature's content in one environment (contract §5 `environments:`): the environment state, its segment
 * overrides (features_featuresegment) and identity overrides. The state is created with its feature or its
 * environment and never changed; an override is added when its feature, environment and segment or identity
 * have none.
 */
import { type KindSpec, type Reference, inEnvironmentField, q } from "./spec.ts";
import { SEP, type EnvironmentRef, type Sourced } from "./refs.ts";
import type { Position } from "../errors.ts";
import { environmentRef } from "./environment.ts";
import { featureKey, featureRef } from "./feature.ts";
import { identityRef } from "./identity.ts";
import { multivariateOptionRef } from "./multivariate-option.ts";
import { projectFields } from "./project.ts";
import { segmentRef } from "./segment.ts";

export interface InFeatureEnvironment extends Sourced {
  environment: EnvironmentRef;
  feature: string;
}

/** Percentages by option value as written (`{ dark: 50 }`). */
export type Allocations = Record<string, number>;

/** Where the files name each option of the allocations (for messages only; never compared). */
export type AllocationSources = Record<string, Position>;

export interface DesiredFeatureState extends InFeatureEnvironment {
  /** undefined: not declared (as the feature's default_enabled made it). */
  enabled?: boolean;
  /** The raw value (typed on write like initial_value); undefined: not declared (the feature's initial value). */
  value?: string;
  /** Only the options declared: a file that names none declares no allocation. */
  multivariate: Allocations;
  multivariateAt?: AllocationSources;
}

export interface DesiredSegmentOverride extends InFeatureEnvironment {
  segment: string;
  enabled: boolean;
  value: string | null;
  multivariate: Allocations;
  multivariateAt?: AllocationSources;
}

export interface DesiredIdentityOverride extends InFeatureEnvironment {
  identifier: string;
  enabled: boolean;
  value: string | null;
}

export const featureStateKey = (e: InFeatureEnvironment): string =>
  featureKey(e.environment.project, e.feature) + SEP + e.environment.name;

const inEnvironment = (e: InFeatureEnvironment) =>
  `to feature ${q(e.feature)} in environment ${q(e.environment.name)} of project ${q(e.environment.project.name)}`;

const fields = (e: InFeatureEnvironment, name: string) => ({
  name,
  feature: e.feature,
  environment: e.environment.name,
  ...projectFields(e.environment.project),
});

const optionRefs = (
  e: InFeatureEnvironment & { multivariate: Allocations; multivariateAt?: AllocationSources },
): Reference[] =>
  Object.keys(e.multivariate).map((value) => ({
    ...multivariateOptionRef(e.environment.project, e.feature, value),
    at: e.multivariateAt?.[value],
  }));

const valueLimit = (e: { value?: string | null }, what: () => string) => ({
  columns: "features_featurestatevalue.string_value",
  value: e.value,
  what,
});

export const featureState = {
  list: "featureStates",
  parents: ["feature", "environment"],
  noun: "feature state",
  key: featureStateKey,
  references: (e) => [featureRef(e.environment.project, e.feature), environmentRef(e.environment), ...optionRefs(e)],
  label: (e) => ({ text: `state ${inEnvironment(e)}`, fields: fields(e, e.feature) }),
  project: inEnvironmentField<DesiredFeatureState>(),
  limited: (e) => [valueLimit(e, () => `feature ${q(e.feature)} value in environment ${q(e.environment.name)}`)],
  compared: [],
} as const satisfies KindSpec<"featureState">;

export const segmentOverride = {
  list: "segmentOverrides",
  parents: ["feature", "environment"],
  noun: "segment override",
  key: (e) => featureStateKey(e) + SEP + e.segment,
  references: (e) => [
    featureRef(e.environment.project, e.feature),
    environmentRef(e.environment),
    segmentRef(e.environment.project, e.segment),
    ...optionRefs(e),
  ],
  label: (e) => ({ text: `segment override ${q(e.segment)} ${inEnvironment(e)}`, fields: fields(e, e.segment) }),
  project: inEnvironmentField<DesiredSegmentOverride>(),
  limited: (e) => [valueLimit(e, () => `segment override ${q(e.segment)} value of feature ${q(e.feature)}`)],
  compared: [],
} as const satisfies KindSpec<"segmentOverride">;

export const identityOverride = {
  list: "identityOverrides",
  parents: ["feature", "environment"],
  noun: "identity override",
  key: (e) => featureStateKey(e) + SEP + e.identifier,
  references: (e) => [
    featureRef(e.environment.project, e.feature),
    environmentRef(e.environment),
    identityRef(e.environment, e.identifier),
  ],
  label: (e) => ({ text: `identity override ${q(e.identifier)} ${inEnvironment(e)}`, fields: fields(e, e.identifier) }),
  project: inEnvironmentField<DesiredIdentityOverride>(),
  limited: (e) => [valueLimit(e, () => `identity override ${q(e.identifier)} value of feature ${q(e.feature)}`)],
  compared: [],
} as const satisfies KindSpec<"identityOverride">;
