/**
 * Identities of the exported environments with their traits (`--include identities`): one query for the identities,
 * one for their traits. Traits are typed back from their columns as a file writes them (kinds/values.ts traitColumns
 * is the way there; a value it would store differently is noted).
 */
import { IN_DATABASE, traitColumns, type TraitValue } from "../../kinds/index.ts";
import { idsOf, quoted, type Reading } from "./reading.ts";

/** Keys a file cannot use (the loader refuses them: prototype pollution). */
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

type TraitRow = {
  identity_id: number;
  trait_key: string;
  value_type: string | null;
  boolean_value: boolean | null;
  integer_value: number | null;
  float_value: number | null;
  string_value: string | null;
};

export async function readIdentities(r: Reading): Promise<void> {
  // Before Flagsmith v2.2xx (identities migration 0007) there is no system_traits column.
  const system = r.present.has("environments_identity.system_traits")
    ? r.sql`coalesce(system_traits::text not in ('{}', 'null'), false)`
    : r.sql`false`;
  const identities = await r.sql<{ id: number; environment_id: number; identifier: string; system: boolean }[]>`
    select id, environment_id, identifier, ${system} as system
    from environments_identity where environment_id = any(${idsOf(r.environments)}::int[]) order by id`;
  const traits = new Map<number, { own: Record<string, TraitValue>; organisation: string | null }>();
  for (const i of identities) {
    const environment = r.environments.get(i.environment_id)!.ref;
    const organisation = environment.project.organisation;
    if (i.system) r.notes.add(organisation, "identities' system traits (left out)", quoted(i.identifier));
    r.identities.set(i.id, i.identifier);
    const own: Record<string, TraitValue> = {};
    traits.set(i.id, { own, organisation });
    r.desired.identities.push({ environment, identifier: i.identifier, traits: own, source: IN_DATABASE });
  }
  const rows = await r.sql<TraitRow[]>`
    select t.identity_id, t.trait_key, t.value_type, t.boolean_value, t.integer_value, t.float_value, t.string_value
    from environments_trait t join environments_identity i on i.id = t.identity_id
    where i.environment_id = any(${idsOf(r.environments)}::int[]) order by t.id`;
  for (const t of rows) {
    const { own, organisation } = traits.get(t.identity_id)!;
    const what = `${quoted(t.trait_key)} of ${quoted(r.identities.get(t.identity_id)!)}`;
    if (RESERVED.has(t.trait_key)) {
      r.notes.add(organisation, "traits whose key a file cannot use (left out)", what);
      continue;
    }
    const value = traitValue(t);
    const back = traitColumns(value);
    if (back.valueType !== (t.value_type ?? "unicode"))
      r.notes.add(
        organisation,
        "traits a file stores with another type",
        `${what} (${t.value_type} → ${back.valueType})`,
      );
    own[t.trait_key] = value;
  }
}

/** The value a file writes for a stored trait. */
function traitValue(t: TraitRow): TraitValue {
  switch (t.value_type) {
    case "bool":
      return t.boolean_value ?? false;
    case "int":
      return t.integer_value ?? 0;
    case "float":
      return t.float_value ?? 0;
    default:
      return t.string_value ?? "";
  }
}
