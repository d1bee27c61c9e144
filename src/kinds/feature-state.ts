/**
 * A feature's content in one environment (contract §5 `environments:`): the environment state, its segment
 * overrides (features_featuresegment) and identity overrides. The state is created with its feature or its
 * environment and never changed; an override is added when its feature, environment and segment or identity
 * have none.
 */
import { type KindSpec, type Reference, inEnvironmentField, q } from "./spec.ts";
import { SEP, type EnvironmentRef, type Sourced } from "./refs.ts";
import type { ComparedField, Shown } from "./drift.ts";
import type { Position } from "../errors.ts";
import { environmentRef } from "./environment.ts";
import { featureKey, featureRef } from "./feature.ts";
import { identityRef } from "./identity.ts";
import { multivariateOptionRef } from "./multivariate-option.ts";
import { projectFields } from "./project.ts";
import { segmentRef } from "./segment.ts";
import { featureStateValue, type FeatureStateValue } from "./values.ts";

export interface InFeatureEnvironment extends Sourced {
  environment: EnvironmentRef;
  feature: string;
}

/** Percentages by option value as written (`{ dark: 50 }`). */
export type Allocations = Record<string, number>;

/** Where the files name each option of the allocations (for messages only; never compared). */
export type AllocationSources = Record<string, Position>;

/** A remote-config value of a state or override. */
interface Valued {
  /**
   * The raw value (typed on write like initial_value); null or undefined: not declared (the feature's initial
   * value). Undefined lets a file that names a state again only to add an override agree with the first.
   */
  value?: string | null;
  /**
   * Only on what a reader found: the value as stored, typed. Raw text cannot always say it (a unicode "25" would
   * read back as the integer 25).
   */
  storedValue?: FeatureStateValue;
}

export interface DesiredFeatureState extends InFeatureEnvironment, Valued {
  /** null or undefined: not declared (as the feature's default_enabled made it). */
  enabled?: boolean | null;
  /** Only the options declared: a file that names none declares no allocation. */
  multivariate: Allocations;
  multivariateAt?: AllocationSources;
}

export interface DesiredSegmentOverride extends InFeatureEnvironment, Valued {
  segment: string;
  /** undefined: not declared (written disabled, and not compared with the database). */
  enabled?: boolean;
  multivariate: Allocations;
  multivariateAt?: AllocationSources;
}

export interface DesiredIdentityOverride extends InFeatureEnvironment, Valued {
  identifier: string;
  /** undefined: not declared (written disabled, and not compared with the database). */
  enabled?: boolean;
}

/** A typed value as drift shows it: a JSON scalar (25, true, "classic"; null for no value). */
export function shownValue(v: FeatureStateValue): Shown {
  return v.type === "int" ? v.integerValue : v.type === "bool" ? v.booleanValue : v.stringValue;
}

/** The value compared typed: the stored columns, or the declared text typed as the writer types it. */
const valueField: ComparedField<Valued> = {
  field: "value",
  value: (e) =>
    e.storedValue ? shownValue(e.storedValue) : e.value == null ? undefined : shownValue(featureStateValue(e.value)),
};

const enabledField: ComparedField<{ enabled?: boolean | null }> = {
  field: "enabled",
  value: (e) => e.enabled ?? undefined,
};

/**
 * Each declared option's allocation, as its own field `multivariate.<option>`; options the files leave out are
 * not compared. Readers key a stored entity's allocations by the declared spellings of the options.
 */
const allocationFields: ComparedField<{ multivariate: Allocations }> = {
  field: "multivariate",
  keys: (declared) => Object.keys(declared.multivariate),
  value: (e, _declared, option) => e.multivariate[option!],
};

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
  compared: [enabledField, valueField, allocationFields],
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
  compared: [enabledField, valueField, allocationFields],
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
  compared: [enabledField, valueField],
} as const satisfies KindSpec<"identityOverride">;
