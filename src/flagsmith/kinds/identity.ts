/**
 * Identities and their traits (WRITES.md §1.13): found by (environment, identifier), the table's
 * unique key; traits typed as Flagsmith's Trait model stores them (values.ts).
 */
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import {
  environmentKey,
  identityKey,
  IN_DATABASE,
  type Existing,
  type DesiredIdentity,
  type TraitValue,
} from "../../kinds/index.ts";
import type { KindModule, Sql } from "../context.ts";
import { insertBatch } from "../sql/batch.ts";
import { guardWrite } from "../sql/write-error.ts";
import { recordFound } from "../sql/find-in-projects.ts";
import { bindProject } from "../sql/lookups.ts";
import { traitColumns } from "../../kinds/values.ts";

/** One stored trait: its typed columns, as Flagsmith's Trait model keeps them. */
type TraitRow = {
  key: string;
  type: string | null;
  bool: boolean | null;
  int: number | null;
  float: number | null;
  string: string | null;
};

/** A trait's value from the column its value_type names (Trait.trait_value). */
function traitValue(t: TraitRow): TraitValue | null {
  if (t.type === "int") return t.int;
  if (t.type === "bool") return t.bool;
  if (t.type === "float") return t.float;
  return t.string;
}

/** The found identity's traits: every stored one (drift compares those the files declare). */
function traitsOf(rows: TraitRow[]): Record<string, TraitValue> {
  const traits: Record<string, TraitValue> = {};
  for (const t of rows) {
    const value = traitValue(t);
    if (value !== null) traits[t.key] = value;
  }
  return traits;
}

/**
 * Identities with the wanted identifiers in their environments, in one query, with their traits. The environments reader ran
 * first (KIND_ORDER), so each wanted identity's environment is known by id: one probe per (environment,
 * identifier) of the table's unique index. Identities of environments that do not exist are not looked up.
 */
async function findIdentities(
  sql: Sql,
  wanted: DesiredIdentity[],
  existing: Existing,
): Promise<Array<{ key: string; identifier: string; id: number; at: DesiredIdentity; traits: TraitRow[] }>> {
  const environmentIds: number[] = [];
  const identifiers: string[] = [];
  const wantedByPair = new Map<string, { key: string; at: DesiredIdentity }>();
  for (const identity of wanted) {
    const project = bindProject(identity.environment.project, existing);
    if (!project) continue;
    const environment = { project, name: identity.environment.name };
    const environmentId = existing.ids.environment.get(environmentKey(environment));
    if (typeof environmentId !== "number") continue;
    const pair = `${environmentId}\u0000${identity.identifier}`;
    if (wantedByPair.has(pair)) continue;
    wantedByPair.set(pair, { key: identityKey(environment, identity.identifier), at: identity });
    environmentIds.push(environmentId);
    identifiers.push(identity.identifier);
  }
  if (environmentIds.length === 0) return [];
  const rows = await sql<{ environment_id: number; identifier: string; id: number; traits: TraitRow[] }[]>`
    select i.environment_id, i.identifier, i.id,
      coalesce((select jsonb_agg(jsonb_build_object('key', t.trait_key, 'type', t.value_type, 'bool', t.boolean_value,
                  'int', t.integer_value, 'float', t.float_value, 'string', t.string_value))
                from environments_trait t where t.identity_id = i.id), '[]') as traits
    from unnest(${environmentIds}::int[], ${identifiers}::text[]) as w(environment_id, identifier)
    join environments_identity i on i.environment_id = w.environment_id and i.identifier = w.identifier`;
  return rows.map((r) => ({
    ...wantedByPair.get(`${r.environment_id}\u0000${r.identifier}`)!,
    identifier: r.identifier,
    id: r.id,
    traits: r.traits,
  }));
}

export const identities: KindModule<"identity"> = {
  async read(sql, desired, existing) {
    // Identity overrides name identities that must be declared in their environment or exist.
    const referenced = desired.identityOverrides.map((o) => ({ ...o, traits: {} }));
    const rows = await findIdentities(sql, [...desired.identities, ...referenced], existing);
    const ids = recordFound(
      rows.map((r) => ({
        key: r.key,
        id: r.id,
        label: `identity "${r.identifier}" of environment "${r.at.environment.name}" of project "${r.at.environment.project.name}"`,
        at: r.at,
      })),
      ({ at }) => at,
    );
    const stored = new Map<string, DesiredIdentity>();
    for (const r of rows) {
      const environment = { project: bindProject(r.at.environment.project, existing)!, name: r.at.environment.name };
      stored.set(r.key, { environment, identifier: r.identifier, traits: traitsOf(r.traits), source: IN_DATABASE });
    }
    return { ids, stored };
  },

  async create(ctx, actions) {
    const rows = actions.map((a) => {
      const id = ctx.ids.environment.get(environmentKey(a.entity.environment));
      if (id === undefined)
        throw new Error(
          `environment "${a.entity.environment.name}" has no id: the plan references an environment that was neither found nor created`,
        );
      return { identifier: a.entity.identifier, environment_id: Number(id) };
    });
    const written = actions.map((a) => ({ label: `"${a.entity.identifier}"`, source: a.entity.source }));
    const created = await guardWrite("identity", written, async () => {
      const inserted = await insertBatch<{ id: number; environment_id: number; identifier: string }>(
        ctx.sql,
        {
          table: "environments_identity",
          columns: { identifier: "text", environment_id: "int" },
          computed: {
            created_date: "now()",
            // Python default {} (identities migration 0007); the column has no DB default.
            ...(ctx.present.has("environments_identity.system_traits") ? { system_traits: "'{}'::jsonb" } : {}),
          },
          returning: ["id", "environment_id", "identifier"],
        },
        rows,
      );
      const idOf = new Map(inserted.map((r) => [`${r.environment_id}/${r.identifier}`, r.id]));
      const traits = actions.flatMap((a, i) => {
        const identityId = idOf.get(`${rows[i]!.environment_id}/${rows[i]!.identifier}`)!;
        return Object.entries(a.entity.traits).map(([key, value]) => {
          const t = traitColumns(value);
          return {
            identity_id: identityId,
            trait_key: key,
            value_type: t.valueType,
            boolean_value: t.booleanValue,
            integer_value: t.integerValue,
            float_value: t.floatValue,
            string_value: t.stringValue,
          };
        });
      });
      await insertBatch(
        ctx.sql,
        {
          table: "environments_trait",
          columns: {
            identity_id: "int",
            trait_key: "text",
            value_type: "text",
            boolean_value: "boolean",
            integer_value: "int",
            float_value: "double precision",
            string_value: "text",
          },
          computed: { created_date: "now()" },
        },
        traits,
      );
      return idOf;
    });
    actions.forEach((action, i) =>
      ctx.ids.identity.set(action.key, created.get(`${rows[i]!.environment_id}/${rows[i]!.identifier}`)!),
    );
    return new Map<ActionOf<"identity">, Secret[]>();
  },
};
