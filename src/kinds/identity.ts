/** Identities of an environment (environments_identity) with their traits: keyed by environment and identifier. */
import { type KindSpec, type Reference, inEnvironmentField, q } from "./spec.ts";
import { environmentKey, SEP, type EnvironmentRef, type Sourced } from "./refs.ts";
import { environmentRef } from "./environment.ts";
import { inProject, projectFields } from "./project.ts";
import { traitColumns } from "./values.ts";

export type TraitValue = string | number | boolean;

export interface DesiredIdentity extends Sourced {
  environment: EnvironmentRef;
  identifier: string;
  traits: Record<string, TraitValue>;
}

export const identityKey = (environment: EnvironmentRef, identifier: string): string =>
  environmentKey(environment) + SEP + identifier;

export const identityRef = (environment: EnvironmentRef, identifier: string): Reference => ({
  kind: "identity",
  key: identityKey(environment, identifier),
  label: `identity ${q(identifier)} of environment ${q(environment.name)}`,
});

export const identity = {
  list: "identities",
  parents: ["environment"],
  noun: "identity",
  key: (e) => identityKey(e.environment, e.identifier),
  references: (e) => [environmentRef(e.environment)],
  label: (e) => ({
    text: `identity ${q(e.identifier)} to environment ${q(e.environment.name)} ${inProject(e.environment.project)}`,
    fields: { name: e.identifier, environment: e.environment.name, ...projectFields(e.environment.project) },
  }),
  project: inEnvironmentField<DesiredIdentity>(),
  limited: (e) => [
    {
      columns: "environments_identity.identifier",
      value: e.identifier,
      what: () => `identity ${q(e.identifier)} identifier`,
    },
    ...Object.entries(e.traits).flatMap(([key, value]) => [
      { columns: "environments_trait.trait_key", value: key, what: () => `identity ${q(e.identifier)} trait key` },
      ...(typeof value === "string"
        ? [
            {
              columns: "environments_trait.string_value",
              value,
              what: () => `identity ${q(e.identifier)} trait ${q(key)} value`,
            },
          ]
        : []),
    ]),
  ],
  compared: [
    // Only the trait keys the files declare (an identity gathers others from SDKs), each as its own field
    // `traits.key`; both sides typed as Flagsmith stores them (values.ts), so "3" and 3 differ.
    {
      field: "traits",
      keys: (declared) => Object.keys(declared.traits),
      value: (e, _declared, key) => (Object.hasOwn(e.traits, key!) ? typedTrait(e.traits[key!]!) : undefined),
    },
  ],
} as const satisfies KindSpec<"identity">;

/** A trait's value as Flagsmith's typed columns hold it. */
function typedTrait(value: TraitValue): TraitValue {
  const c = traitColumns(value);
  return c.booleanValue ?? c.integerValue ?? c.floatValue ?? c.stringValue!;
}
