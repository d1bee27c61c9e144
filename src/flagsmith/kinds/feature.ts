/**
 * Features (WRITES.md §1.7): found case-insensitively in their project (Flagsmith's
 * `lowercase_feature_name` unique index); created as STANDARD flags / remote config with a feature
 * state in every environment of the project, existing or created earlier in this run.
 */
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import { featureKey, IN_DATABASE, type DesiredFeature, type Existing } from "../../kinds/index.ts";
import type { KindModule, Sql } from "../context.ts";
import { insertBatch } from "../sql/batch.ts";
import { guardWrite } from "../sql/write-error.ts";
import {
  findInProjects,
  recordFoundInProjects,
  scopedName,
  type RowInProject,
  type ScopedName,
} from "../sql/find-in-projects.ts";
import { projectIdOf, touch } from "./environment.ts";
import { createFeatureStates } from "../feature-states.ts";
import { copyToHistory } from "../sql/history.ts";

/** A found feature with the fields drift compares. */
type FeatureRow = RowInProject & {
  description: string | null;
  default_enabled: boolean;
  initial_value: string | null;
  is_server_key_only: boolean;
};

/**
 * Non-deleted features of the wanted projects whose lower(name) matches, in one query: one probe per wanted
 * (project, name) of Flagsmith's (lower(name), project_id) index `lowercase_feature_name`.
 */
function findFeatures(sql: Sql, names: ScopedName[], existing: Existing) {
  return findInProjects(
    names,
    existing,
    (projectIds, wanted) => sql<FeatureRow[]>`
      select f.project_id, f.name, f.id, f.description, f.default_enabled, f.initial_value, f.is_server_key_only
      from unnest(${projectIds}::int[], ${wanted}::text[]) as w(project_id, name)
      join features_feature f on f.project_id = w.project_id and lower(f.name) = lower(w.name) and f.deleted_at is null`,
    (name) => name.toLowerCase(),
  );
}

export const features: KindModule<"feature"> = {
  async read(sql, desired, existing) {
    const wanted = desired.features.map((f) => ({ name: scopedName(f.project, f.name), at: f }));
    const rows = await findFeatures(
      sql,
      wanted.map((w) => w.name),
      existing,
    );
    const ids = recordFoundInProjects(rows, wanted, {
      noun: "feature",
      key: featureKey,
      sameName: (a, b) => a.toLowerCase() === b.toLowerCase(),
    });
    const stored = new Map<string, DesiredFeature>();
    for (const { organisation, project, row } of rows) {
      const ref = { organisation, name: project };
      stored.set(featureKey(ref, row.name), {
        project: ref,
        name: row.name,
        description: row.description,
        defaultEnabled: row.default_enabled,
        initialValue: row.initial_value,
        isServerKeyOnly: row.is_server_key_only,
        source: IN_DATABASE,
      });
    }
    return { ids, stored };
  },

  async create(ctx, actions) {
    const rows = actions.map((a) => ({
      name: a.entity.name,
      project_id: projectIdOf(ctx.ids.project, a.entity.project),
      initial_value: a.entity.initialValue ?? null,
      description: a.entity.description ?? null,
      default_enabled: a.entity.defaultEnabled ?? false,
      is_server_key_only: a.entity.isServerKeyOnly ?? false,
    }));
    const written = actions.map((a) => ({ label: `"${a.entity.name}"`, source: a.entity.source }));
    const created = await guardWrite("feature", written, async () => {
      const inserted = await insertBatch<{ id: number; project_id: number; name: string }>(
        ctx.sql,
        {
          table: "features_feature",
          columns: {
            name: "text",
            project_id: "int",
            initial_value: "text",
            description: "text",
            default_enabled: "boolean",
            is_server_key_only: "boolean",
          },
          computed: {
            uuid: "gen_random_uuid()",
            created_date: "now()",
            // Until a multivariate option is added: its AFTER_CREATE hook makes the feature MULTIVARIATE.
            type: "'STANDARD'",
            is_archived: "false",
          },
          returning: ["id", "project_id", "name"],
        },
        rows,
      );
      await copyToHistory(
        ctx,
        { table: "features_feature", historyTable: "features_historicalfeature" },
        inserted.map((r) => r.id),
      );
      await createFeatureStates(ctx.sql, { featureIds: inserted.map((r) => r.id) });
      // The API's audit hook bumps these; an authorless insert must do it itself (§2.4).
      touch(
        ctx,
        rows.map((r) => r.project_id),
      );
      return inserted;
    });
    const idOf = new Map(created.map((r) => [`${r.project_id}/${r.name}`, r.id]));
    actions.forEach((action, i) =>
      ctx.ids.feature.set(action.key, idOf.get(`${rows[i]!.project_id}/${rows[i]!.name}`)!),
    );
    return new Map<ActionOf<"feature">, Secret[]>();
  },
};
