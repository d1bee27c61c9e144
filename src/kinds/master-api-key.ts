/** Organisation master API keys (api_keys_masterapikey): keyed by organisation and name. */
import { type KindSpec, q } from "./spec.ts";
import { SEP, type Sourced } from "./refs.ts";
import { organisationRef } from "./organisation.ts";

export interface DesiredMasterApiKey extends Sourced {
  organisation: string;
  name: string;
  /** undefined: not declared (an admin key, and not compared with the database). */
  isAdmin?: boolean;
  /** A caller-chosen key `<8>.<32>`; null means generate one. */
  key: string | null;
}

export const masterApiKeyKey = (organisation: string, name: string): string => organisation + SEP + name;

export const masterApiKey = {
  list: "masterApiKeys",
  parents: [],
  noun: "master API key",
  key: (e) => masterApiKeyKey(e.organisation, e.name),
  references: (e) => [organisationRef(e.organisation)],
  label: (e) => ({ text: `master API key ${q(e.name)}`, fields: { name: e.name, organisation: e.organisation } }),
  limited: (e) => [
    { columns: "api_keys_masterapikey.name", value: e.name, what: () => `master API key ${q(e.name)} name` },
  ],
  // The key itself is a secret: never compared.
  compared: [{ field: "is_admin", value: (e) => e.isAdmin }],
} as const satisfies KindSpec<"masterApiKey">;
