/**
 * Multivariate options of a feature (multivariate_multivariatefeatureoption): keyed by feature and value, the
 * value compared typed (`5` and "5" are one option, as Flagsmith types both as the integer 5).
 */
import { type KindSpec, type Reference, inProjectField, q } from "./spec.ts";
import { SEP } from "./refs.ts";
import { inProject, projectFields } from "./project.ts";
import { featureKey, featureRef, type InFeature } from "./feature.ts";
import { featureStateValue } from "./values.ts";
import type { ProjectRef } from "./refs.ts";

export interface DesiredMultivariateOption extends InFeature {
  /** The value as written (Python's str() of the YAML scalar), typed on write like an initial value. */
  value: string;
  /** Percent, 0–100: what every environment state gets when the option is created. */
  defaultAllocation: number;
}

/** The typed form of a value, which options are compared by: `int:5`, `bool:true`, `unicode:dark`. */
export function optionValueKey(raw: string): string {
  const v = featureStateValue(raw);
  return v.type === "int" ? `int:${v.integerValue}` : v.type === "bool" ? `bool:${v.booleanValue}` : `unicode:${raw}`;
}

export const multivariateOptionKey = (project: ProjectRef, feature: string, value: string): string =>
  featureKey(project, feature) + SEP + optionValueKey(value);

export const multivariateOptionRef = (project: ProjectRef, feature: string, value: string): Reference => ({
  kind: "multivariateOption",
  key: multivariateOptionKey(project, feature, value),
  label: `multivariate option ${q(value)} of feature ${q(feature)}`,
});

export const multivariateOption = {
  list: "multivariateOptions",
  parents: ["feature"],
  noun: "multivariate option",
  key: (e) => multivariateOptionKey(e.project, e.feature, e.value),
  references: (e) => [featureRef(e.project, e.feature)],
  label: (e) => ({
    text: `multivariate option ${q(e.value)} to feature ${q(e.feature)} ${inProject(e.project)} (default allocation ${e.defaultAllocation}%)`,
    fields: { name: e.value, feature: e.feature, ...projectFields(e.project) },
  }),
  project: inProjectField<DesiredMultivariateOption>(),
  limited: (e) => [
    {
      columns: "multivariate_multivariatefeatureoption.string_value",
      value: e.value,
      what: () => `multivariate option ${q(e.value)} of feature ${q(e.feature)}`,
    },
  ],
  // The option's value is its key; a stored allocation is a float, declared ones are whole percentages.
  compared: [{ field: "default_percentage_allocation", value: (e) => e.defaultAllocation }],
} as const satisfies KindSpec<"multivariateOption">;
