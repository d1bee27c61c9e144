/**
 * Test-only setup for the content writers (environments, identities, segments, features): parent
 * rows (organisation + subscription, project) written with plain SQL, and a runner that reads,
 * diffs and creates the content kinds in one transaction, the way applyPlan does.
 */
import type postgres from "postgres";
import { emptyDesired, type Desired, type ProjectRef, type SegmentRule } from "../../src/kinds/index.ts";
import type { Plan } from "../../src/kinds/plan.ts";
import { provisionInTransaction } from "../../src/provision.ts";

const at = (line: number) => ({ file: "test.yaml", line, column: 1 });

/** Inserts an organisation (with its subscription) and a project, as Flagsmith's ORM would; returns the project id. */
export async function seedProject(
  sql: postgres.Sql,
  organisation: string,
  project: string,
  options: { preventFlagDefaults?: boolean } = {},
): Promise<number> {
  const [org] = await sql<{ id: number }[]>`
    insert into organisations_organisation (name, uuid, has_requested_features, created_date, alerted_over_plan_limit,
      stop_serving_flags, restrict_project_create_to_admin, persist_trait_data, block_access_to_admin, feature_analytics, force_2fa)
    values (${organisation}, gen_random_uuid(), false, now(), false, false, false, true, false, false, false)
    returning id`;
  await sql`insert into organisations_subscription (uuid, organisation_id, plan, max_seats, max_api_calls)
            values (gen_random_uuid(), ${org!.id}, 'free', 1, 50000)`;
  const hasOwners = await sql`select 1 from information_schema.columns
    where table_schema = current_schema() and table_name = 'projects_project' and column_name = 'enforce_feature_owners'`;
  const projectRow = {
    name: project,
    uuid: crypto.randomUUID(),
    created_date: new Date(),
    organisation_id: org!.id,
    hide_disabled_flags: false,
    enable_dynamo_db: false,
    prevent_flag_defaults: options.preventFlagDefaults ?? false,
    enable_realtime_updates: false,
    only_allow_lower_case_feature_names: true,
    max_segments_allowed: 500,
    max_features_allowed: 1000,
    max_segment_overrides_allowed: 2000,
    identity_overrides_v2_migration_status: "NOT_STARTED",
    stale_flags_limit_days: 30,
    ...(hasOwners.length > 0 ? { enforce_feature_owners: false } : {}),
  };
  const [row] = await sql<{ id: number }[]>`insert into projects_project ${sql(projectRow)} returning id`;
  return row!.id;
}

/** A bound project reference. */
export const projectRef = (organisation: string, name: string): ProjectRef => ({ organisation, name });

/** Builders for desired content, with positions. */
export const declare = {
  environment: (project: ProjectRef, name: string, line = 1) => ({
    project,
    name,
    description: null,
    showKey: false,
    settings: {},
    source: at(line),
  }),
  feature: (
    project: ProjectRef,
    name: string,
    o: { defaultEnabled?: boolean; initialValue?: string | null; line?: number } = {},
  ) => ({
    project,
    name,
    description: null,
    defaultEnabled: o.defaultEnabled ?? false,
    initialValue: o.initialValue ?? null,
    isServerKeyOnly: false,
    source: at(o.line ?? 1),
  }),
  segment: (project: ProjectRef, name: string, rules: SegmentRule[], line = 1) => ({
    project,
    name,
    description: null,
    rules,
    source: at(line),
  }),
  identity: (
    project: ProjectRef,
    environment: string,
    identifier: string,
    traits: Record<string, string | number | boolean> = {},
  ) => ({
    environment: { project, name: environment },
    identifier,
    traits,
    source: at(1),
  }),
};

/** A desired state holding only content kinds. */
export function content(
  parts: Partial<Pick<Desired, "environments" | "identities" | "segments" | "features">>,
): Desired {
  return { ...emptyDesired(), ...parts };
}

/** What a run did: its plan (the actions of the product's own run, in order). */
export interface ContentRun {
  plan: Plan;
}

/** Provisions `desired` in one transaction through the product's own entry (provision.ts), as `apply` does. */
export async function provisionContent(sql: postgres.Sql, desired: Desired): Promise<ContentRun> {
  const result = await sql.begin((tx) =>
    provisionInTransaction(tx, desired, { dryRun: false, settings: { djangoSecretKey: null, flagsmithDomain: null } }),
  );
  return { plan: { actions: result.outcomes.map((o) => o.action), appDomain: null, warnings: result.warnings } };
}

/** Counts of planned creations per kind. */
export function creations(plan: Plan): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of plan.actions) if (a.op === "create") counts[a.kind] = (counts[a.kind] ?? 0) + 1;
  return counts;
}
