/**
 * Flag content (contract §5) from a validated file into the desired state: settings, tags, and each feature's
 * tags, owners, multivariate options, environment states and overrides, one entity per item (each has its
 * own idempotency key). Segment overrides stay in list order: that order is their priority (diff and writers
 * keep the desired state's order).
 */
import {
  normaliseEmail,
  type AllocationSources,
  type Desired,
  type EnvironmentSettings,
  type ProjectRef,
  type ProjectSettings,
} from "../kinds/index.ts";
import type { Position } from "../errors.ts";
import type { Path } from "./load.ts";
import type { EnvironmentSpec, FeatureSpec, ProjectSpec } from "./schema.ts";

type At = (path: Path, target?: "key" | "value") => Position;

/** The project settings given (only those: the writer fills Flagsmith's defaults). */
export function projectSettings(spec: Partial<ProjectSpec>): ProjectSettings {
  return defined({
    hide_disabled_flags: spec.hide_disabled_flags,
    enforce_feature_owners: spec.enforce_feature_owners,
    feature_name_regex: spec.feature_name_regex,
    only_allow_lower_case_feature_names: spec.only_allow_lower_case_feature_names,
    prevent_flag_defaults: spec.prevent_flag_defaults,
  });
}

/** The environment settings given, by column (the API's field names differ for one). */
export function environmentSettings(spec: Partial<EnvironmentSpec>): EnvironmentSettings {
  return defined({
    hide_disabled_flags: spec.hide_disabled_flags,
    allow_client_traits: spec.allow_client_traits,
    banner_text: spec.banner_text,
    banner_colour: spec.banner_colour,
    use_mv_v2_evaluation: spec.use_identity_composite_key_for_hashing,
    use_identity_overrides_in_local_eval: spec.use_identity_overrides_in_local_eval,
    hide_sensitive_data: spec.hide_sensitive_data,
    use_v2_feature_versioning: spec.use_v2_feature_versioning,
  });
}

function defined<T extends object>(fields: { [K in keyof T]: T[K] | null | undefined }): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value != null)) as T;
}

export function addTags(desired: Desired, spec: ProjectSpec, project: ProjectRef, path: Path, at: At): void {
  (spec.tags ?? []).forEach((tag, i) =>
    desired.tags.push({
      project,
      label: tag.label,
      // Undeclared (undefined): the writer gives the dashboard's first colour, and drift does not compare them.
      color: tag.color ?? undefined,
      description: tag.description ?? undefined,
      source: at([...path, "tags", i]),
    }),
  );
}

type FeatureContent = Pick<
  FeatureSpec,
  "tags" | "owners" | "group_owners" | "multivariate_options" | "environments" | "name"
>;

export function addFeatureContent(
  desired: Desired,
  spec: FeatureContent,
  project: ProjectRef,
  path: Path,
  at: At,
): void {
  const feature = spec.name;
  (spec.tags ?? []).forEach((tag, i) =>
    desired.featureTags.push({ project, feature, tag, source: at([...path, "tags", i]) }),
  );
  (spec.owners ?? []).forEach((email, i) =>
    desired.featureOwners.push({ project, feature, email: normaliseEmail(email), source: at([...path, "owners", i]) }),
  );
  (spec.group_owners ?? []).forEach((group, i) =>
    desired.featureGroupOwners.push({ project, feature, group, source: at([...path, "group_owners", i]) }),
  );
  (spec.multivariate_options ?? []).forEach((option, i) =>
    desired.multivariateOptions.push({
      project,
      feature,
      value: option.value,
      defaultAllocation: option.default_percentage_allocation,
      source: at([...path, "multivariate_options", i]),
    }),
  );
  for (const [name, content] of Object.entries(spec.environments ?? {})) {
    const environment = { project, name };
    const envPath = [...path, "environments", name];
    desired.featureStates.push({
      environment,
      feature,
      // Undeclared stays undefined, so a file that names the state again only to add an override agrees with it.
      enabled: content.enabled ?? undefined,
      value: content.value ?? undefined,
      multivariate: { ...(content.multivariate ?? {}) },
      multivariateAt: optionsAt(content.multivariate, [...envPath, "multivariate"], at),
      // At the environment's name: what a misspelt environment is reported at.
      source: at(envPath, "key"),
    });
    (content.segment_overrides ?? []).forEach((o, i) =>
      desired.segmentOverrides.push({
        environment,
        feature,
        segment: o.segment,
        enabled: o.enabled ?? undefined,
        value: o.value ?? undefined,
        multivariate: { ...(o.multivariate ?? {}) },
        multivariateAt: optionsAt(o.multivariate, [...envPath, "segment_overrides", i, "multivariate"], at),
        source: at([...envPath, "segment_overrides", i]),
      }),
    );
    (content.identity_overrides ?? []).forEach((o, i) =>
      desired.identityOverrides.push({
        environment,
        feature,
        identifier: o.identifier,
        enabled: o.enabled ?? undefined,
        value: o.value ?? undefined,
        source: at([...envPath, "identity_overrides", i]),
      }),
    );
  }
}

/** Where each option of an allocations mapping is named (its key): what a misspelt option is reported at. */
function optionsAt(allocations: object | null | undefined, path: Path, at: At): AllocationSources | undefined {
  if (!allocations) return undefined;
  const keys = Object.keys(allocations);
  return keys.length ? Object.fromEntries(keys.map((option) => [option, at([...path, option], "key")])) : undefined;
}
