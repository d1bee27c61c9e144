/**
 * Environments (WRITES.md §1.6): found by exact name in their project; created with Flagsmith's
 * Python defaults, a fresh client-side key, and a feature state for every feature the project
 * already had (the environment's AFTER_CREATE create_feature_states).
 */
import {
  environmentRefsOf,
  type Desired,
  type Sourced,
  environmentKey,
  projectKey,
  type Existing,
  type EnvironmentSettings,
  type DesiredEnvironment,
  IN_DATABASE,
} from "../../kinds/index.ts";
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import type { KindModule, Sql, WriteContext } from "../context.ts";
import { insertBatch } from "../sql/batch.ts";
import { settingsObject, settingTypes, settingValues, type SettingColumn } from "../sql/settings.ts";
import { guardWrite } from "../sql/write-error.ts";
import {
  findInProjects,
  recordFoundInProjects,
  scopedName,
  type RowInProject,
  type ScopedName,
} from "../sql/find-in-projects.ts";
import { createFeatureStates } from "../feature-states.ts";
import { copyToHistory } from "../sql/history.ts";
import { generateEnvironmentKey } from "../secrets.ts";

/** Every environment the desired state names: declared ones and those the kinds living in one refer to. */
function wantedEnvironments(desired: Desired): { name: ScopedName; at: Sourced }[] {
  return [
    ...desired.environments.map((e) => ({ name: scopedName(e.project, e.name), at: e })),
    ...environmentRefsOf(desired).map(({ ref, from }) => ({ name: scopedName(ref.project, ref.name), at: from })),
  ];
}

/** A found environment with what drift compares. */
type EnvironmentRow = RowInProject & { description: string | null; settings: EnvironmentSettings };

/**
 * Non-deleted environments with the wanted names in the wanted projects, in one query (a project has few), with
 * their description and settings (a JSON object of the setting columns).
 */
function findEnvironments(sql: Sql, names: ScopedName[], existing: Existing) {
  return findInProjects(
    names,
    existing,
    (projectIds, wanted) => sql<EnvironmentRow[]>`
      select e.project_id, e.name, e.id, e.description,
        ${settingsObject(sql, "e", ENVIRONMENT_SETTING_COLUMNS)} as settings
      from environments_environment e
      where project_id = any(${[...new Set(projectIds)]}::int[]) and name = any(${[...new Set(wanted)]}::text[]) and deleted_at is null`,
  );
}

/** Marks environments to touch once all kinds are written (WriteContext.touched, touchEnvironments). */
export function touch(ctx: WriteContext, projectIds: Iterable<number>, environmentIds: Iterable<number> = []): void {
  for (const id of projectIds) ctx.touched.projects.add(id);
  for (const id of environmentIds) ctx.touched.environments.add(id);
}

/**
 * Marks the environments of these projects, and these environments, as changed (§2.4): the API's audit log does
 * it for every change, and conditional SDK fetches would otherwise serve stale documents.
 */
export async function touchEnvironments(sql: Sql, projectIds: number[], environmentIds: number[] = []): Promise<void> {
  if (projectIds.length === 0 && environmentIds.length === 0) return;
  await sql`update environments_environment set updated_at = now()
            where (project_id = any(${[...new Set(projectIds)]}::int[]) or id = any(${[...new Set(environmentIds)]}::int[]))
              and deleted_at is null`;
}

/** The id of an already known project (existing, or created earlier in this run). */
export function projectIdOf(ids: Map<string, number | string>, ref: Parameters<typeof projectKey>[0]): number {
  const id = ids.get(projectKey(ref));
  if (id === undefined)
    throw new Error(
      `project "${ref.name}" has no id: the plan references a project that was neither found nor created`,
    );
  return Number(id);
}

/** The settings the files may give (contract §5), with the model's defaults: written from each row. */
export const ENVIRONMENT_SETTING_COLUMNS = {
  // NULL: inherit the project's.
  hide_disabled_flags: { type: "boolean", default: null },
  allow_client_traits: { type: "boolean", default: true },
  banner_text: { type: "text", default: null },
  banner_colour: { type: "text", default: null },
  use_mv_v2_evaluation: { type: "boolean", default: true },
  use_identity_overrides_in_local_eval: { type: "boolean", default: true },
  hide_sensitive_data: { type: "boolean", default: false },
  use_v2_feature_versioning: { type: "boolean", default: false },
} as const satisfies Record<keyof EnvironmentSettings, SettingColumn>;

const settingEntries = Object.entries(ENVIRONMENT_SETTING_COLUMNS);
const settingColumns = settingTypes(settingEntries);

export const environments: KindModule<"environment"> = {
  async read(sql, desired, existing) {
    const wanted = wantedEnvironments(desired);
    const rows = await findEnvironments(
      sql,
      wanted.map((w) => w.name),
      existing,
    );
    const ids = recordFoundInProjects(rows, wanted, {
      noun: "environment",
      key: (project, name) => environmentKey({ project, name }),
    });
    const stored = new Map<string, DesiredEnvironment>();
    for (const { organisation, project, row } of rows) {
      const ref = { organisation, name: project };
      stored.set(environmentKey({ project: ref, name: row.name }), {
        project: ref,
        name: row.name,
        description: row.description,
        showKey: false,
        settings: row.settings,
        source: IN_DATABASE,
      });
    }
    return { ids, stored };
  },

  async create(ctx, actions) {
    const rows = actions.map((a) => ({
      name: a.entity.name,
      project_id: projectIdOf(ctx.ids.project, a.entity.project),
      description: a.entity.description ?? null,
      api_key: generateEnvironmentKey(),
      ...settingValues(settingEntries, a.entity.settings),
    }));
    const written = actions.map((a) => ({ label: `"${a.entity.name}"`, source: a.entity.source }));
    const created = await guardWrite("environment", written, async () => {
      const inserted = await insertBatch<{ id: number; api_key: string }>(
        ctx.sql,
        {
          table: "environments_environment",
          columns: { name: "text", project_id: "int", description: "text", api_key: "text", ...settingColumns },
          // Python-side defaults of environments/models.py (no DB defaults exist) for what the files cannot set.
          computed: {
            uuid: "gen_random_uuid()",
            created_date: "now()",
            updated_at: "now()",
            webhooks_enabled: "false",
            is_creating: "false",
          },
          returning: ["id", "api_key"],
        },
        rows,
      );
      await copyToHistory(
        ctx,
        { table: "environments_environment", historyTable: "environments_historicalenvironment" },
        inserted.map((r) => r.id),
      );
      // Environments precede features in the processing order, so the project's features here are
      // exactly those that existed before this run; features created later add their own states.
      await createFeatureStates(ctx.sql, { environmentIds: inserted.map((r) => r.id) });
      return inserted;
    });
    const idByKey = new Map(created.map((r) => [r.api_key, r.id]));
    const secrets = new Map<ActionOf<"environment">, Secret[]>();
    actions.forEach((action, i) => {
      ctx.ids.environment.set(action.key, idByKey.get(rows[i]!.api_key)!);
      secrets.set(action, [{ kind: "environmentKey", key: rows[i]!.api_key }]);
    });
    return secrets;
  },
};
