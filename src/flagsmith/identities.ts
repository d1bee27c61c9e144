/**
 * Identities and their traits (WRITES.md §1.13): found by (environment, identifier), the table's
 * unique key; traits typed as Flagsmith's Trait model stores them (values.ts).
 */
import type { ActionOf, Secret } from "../plan/actions.ts";
import { environmentKey, identityKey } from "../plan/keys.ts";
import type { KindModule, Sql } from "./context.ts";
import { insertBatch, recordset } from "./batch.ts";
import { guardWrite } from "./write-error.ts";
import { recordFound } from "./content-read.ts";
import { traitColumns } from "./values.ts";

type Wanted = { organisation: string | null; project: string; environment: string; identifier: string };

interface IdentityRow {
  organisation: string;
  project: string;
  environment: string;
  identifier: string;
  id: number;
}

/** Identities with the wanted identifiers in non-deleted environments, projects and organisations, in one query. */
async function findIdentities(sql: Sql, wanted: Wanted[]): Promise<IdentityRow[]> {
  if (wanted.length === 0) return [];
  return sql<IdentityRow[]>`
    select distinct o.name as organisation, p.name as project, e.name as environment, i.identifier, i.id
    from ${recordset(sql, wanted)} as w(organisation text, project text, environment text, identifier text)
    join projects_project p on p.name = w.project and p.deleted_at is null
    join organisations_organisation o on o.id = p.organisation_id and o.deleted_at is null
      and (w.organisation is null or o.name = w.organisation)
    join environments_environment e on e.project_id = p.id and e.name = w.environment and e.deleted_at is null
    join environments_identity i on i.environment_id = e.id and i.identifier = w.identifier`;
}

export const identities: KindModule<"identity"> = {
  async read(sql, desired, existing) {
    const wanted = desired.identities.map((i) => ({
      organisation: i.environment.project.organisation,
      project: i.environment.project.name,
      environment: i.environment.name,
      identifier: i.identifier,
    }));
    const rows = await findIdentities(sql, [...new Map(wanted.map((w) => [JSON.stringify(w), w])).values()]);
    recordFound(
      rows.map((r) => ({
        key: identityKey({ project: { organisation: r.organisation, name: r.project }, name: r.environment }, r.identifier),
        id: r.id,
        label: `identity "${r.identifier}" of environment "${r.environment}" of project "${r.project}"`,
        row: r,
      })),
      existing.ids.identity,
      ({ row }) =>
        desired.identities.find(
          (i) =>
            i.identifier === row.identifier &&
            i.environment.name === row.environment &&
            i.environment.project.name === row.project &&
            (i.environment.project.organisation ?? row.organisation) === row.organisation,
        ),
    );
  },

  async create(ctx, actions) {
    const rows = actions.map((a) => {
      const id = ctx.ids.environment.get(environmentKey(a.entity.environment));
      if (id === undefined) throw new Error(`environment "${a.entity.environment.name}" has no id: the plan references an environment that was neither found nor created`);
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
    actions.forEach((action, i) => ctx.ids.identity.set(action.key, created.get(`${rows[i]!.environment_id}/${rows[i]!.identifier}`)!));
    return new Map<ActionOf<"identity">, Secret[]>();
  },
};
