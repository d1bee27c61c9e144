/** Projects: `projects_project` (WRITES.md §1.5), keyed by (organisation name, project name). */
import { UserError, type Issue } from "../../errors.ts";
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import {
  IN_DATABASE,
  organisationKey,
  projectKey,
  type DesiredProject,
  type ProjectSettings,
} from "../../kinds/index.ts";
import { insertBatch } from "../sql/batch.ts";
import type { KindModule } from "../context.ts";
import { ambiguousExisting, bindProject, groupRows, idFor, projectRefs } from "../sql/lookups.ts";
import { settingsObject, settingTypes, settingValues, type SettingColumn } from "../sql/settings.ts";
import { guardWrite } from "../sql/write-error.ts";

/** Model defaults of Project (projects/models.py at v2.265.0; projects migration 0029 raised the limits). */
const DEFAULTS: Record<string, string> = {
  uuid: "gen_random_uuid()",
  created_date: "now()",
  // BEFORE_CREATE ORs in EDGE_ENABLED, which is off on a self-hosted install without DynamoDB.
  enable_dynamo_db: "false",
  enable_realtime_updates: "false",
  max_segments_allowed: "500",
  max_features_allowed: "1000",
  max_segment_overrides_allowed: "2000",
  identity_overrides_v2_migration_status: "'NOT_STARTED'",
  stale_flags_limit_days: "30",
};

/** The settings the files may give (contract §5), with the model's defaults: written from each row. */
export const PROJECT_SETTING_COLUMNS = {
  hide_disabled_flags: { type: "boolean", default: false },
  prevent_flag_defaults: { type: "boolean", default: false },
  only_allow_lower_case_feature_names: { type: "boolean", default: true },
  feature_name_regex: { type: "text", default: null },
  // Projects migration 0028 (v2.2xx); older schemas lack it.
  enforce_feature_owners: { type: "boolean", default: false },
} as const satisfies Record<keyof ProjectSettings, SettingColumn>;

export const projects: KindModule<"project"> = {
  async read(sql, desired, existing) {
    const ids = new Map<string, number | string>();
    const stored = new Map<string, DesiredProject>();
    const projectOrganisations = new Map<string, string[]>();
    const refs = projectRefs(desired);
    const names = [...new Set(refs.map((r) => r.name))];
    if (names.length === 0) return { ids, stored, projectOrganisations };
    // One query serves all needs: binding references that name no organisation, the ids, and the settings drift
    // compares (as a JSON object of the columns this database has: older schemas lack some).
    const rows = await sql<{ id: number; name: string; organisation: string; settings: ProjectSettings }[]>`
      select p.id, p.name, o.name as organisation, ${settingsObject(sql, "p", PROJECT_SETTING_COLUMNS)} as settings
      from public.projects_project p join public.organisations_organisation o on o.id = p.organisation_id
      where p.deleted_at is null and o.deleted_at is null and p.name = any(${names}::text[])
      order by p.id`;
    const unbound = new Set(refs.filter((r) => r.organisation === null).map((r) => r.name));
    for (const r of rows) {
      if (!unbound.has(r.name)) continue;
      const list = projectOrganisations.get(r.name) ?? [];
      if (!list.includes(r.organisation)) projectOrganisations.set(r.name, [...list, r.organisation]);
    }
    const wanted = new Map<string, (typeof refs)[number]>();
    for (const ref of refs) {
      const bound = bindProject(ref, { projectOrganisations });
      if (bound && !wanted.has(projectKey(bound))) wanted.set(projectKey(bound), ref);
    }
    const issues: Issue[] = [];
    for (const [key, found] of groupRows(rows, (r) => projectKey({ organisation: r.organisation, name: r.name }))) {
      const ref = wanted.get(key);
      if (!ref) continue;
      if (found.length === 1) {
        const { id, name, organisation, settings } = found[0]!;
        ids.set(key, id);
        stored.set(key, { organisation, name, settings, source: IN_DATABASE });
      } else
        issues.push(
          ambiguousExisting(
            `project "${ref.name}" of organisation "${found[0]!.organisation}"`,
            found.map((r) => r.id),
            ref,
          ),
        );
    }
    if (issues.length) throw new UserError(issues);
    return { ids, stored, projectOrganisations };
  },

  async create(ctx, actions) {
    const settings = Object.entries(PROJECT_SETTING_COLUMNS).filter(([column]) =>
      ctx.present.has(`projects_project.${column}`),
    );
    const rows = actions.map((a) => ({
      name: a.entity.name,
      organisation_id: idFor(ctx.ids.organisation, organisationKey(a.entity.organisation), a.entity),
      ...settingValues(settings, a.entity.settings),
    }));
    const batch = actions.map((a) => ({
      label: `"${a.entity.name}" in "${a.entity.organisation}"`,
      source: a.entity.source,
    }));
    const created = await guardWrite("project", batch, () =>
      insertBatch<{ id: number; name: string; organisation_id: number }>(
        ctx.sql,
        {
          table: "projects_project",
          columns: {
            name: "text",
            organisation_id: "int",
            ...settingTypes(settings),
          },
          computed: DEFAULTS,
          returning: ["id", "name", "organisation_id"],
        },
        rows,
      ),
    );
    const idOf = new Map(created.map((r) => [`${r.organisation_id}:${r.name}`, r.id]));
    actions.forEach((a, i) => ctx.ids.project.set(a.key, idOf.get(`${rows[i]!.organisation_id}:${rows[i]!.name}`)!));
    return new Map<ActionOf<"project">, Secret[]>();
  },
};
