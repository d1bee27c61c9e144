/** Identities of an environment (environments_identity) with their traits: keyed by environment and identifier. */
import { type KindSpec, type Reference, inEnvironmentField, q } from "./spec.ts";
import { environmentKey, SEP, type EnvironmentRef, type Sourced } from "./refs.ts";
import { environmentRef } from "./environment.ts";
import { inProject, projectFields } from "./project.ts";

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
  compared: [],
} as const satisfies KindSpec<"identity">;
