/**
 * Shared pieces of the whole-process tests: the schema to run against (the real v2.265.0 dump when
 * ../shared exists, else our fixture), the binary run asynchronously (so several can run at once),
 * and row counts of what a generated workload writes.
 */
import type postgres from "postgres";
import { runMeasured, type Measured } from "../../scripts/bench/run-binary.ts";
import { ensureBinary } from "./binary.ts";
import { schemaFile, type SchemaName } from "./database.ts";

/** The most realistic schema available here. */
export const SCHEMA: SchemaName = schemaFile("v2.265.0") ? "v2.265.0" : "fixture";

/** Runs the compiled binary with `--output json` against url (no other environment leaks in). */
export function applyJson(url: string, sourceArgs: string[], cwd: string): Promise<Measured> {
  return runMeasured(ensureBinary(), [...sourceArgs, "--output", "json"], {
    cwd,
    env: { DATABASE_URL: url, DJANGO_SECRET_KEY: "test-secret" },
  });
}

/** Rows of one organisation's dataset, and duplicates that must never exist. */
export interface DatasetCounts {
  organisations: number;
  projects: number;
  environments: number;
  features: number;
  segments: number;
  featureStates: number;
  /** Environment-default states sharing a (feature, environment) with another. */
  duplicateStates: number;
  /** Feature states without their one value row. */
  statesWithoutValue: number;
}

/** Counts what exists for the organisation named `organisation` (environment defaults only for states). */
export async function countDataset(sql: postgres.Sql, organisation: string): Promise<DatasetCounts> {
  const [row] = await sql<DatasetCounts[]>`
    with o as (select id from organisations_organisation where name = ${organisation}),
    p as (select id from projects_project where organisation_id in (select id from o)),
    e as (select id from environments_environment where project_id in (select id from p)),
    fs as (
      select s.* from features_featurestate s
      where s.environment_id in (select id from e) and s.identity_id is null and s.feature_segment_id is null
    )
    select (select count(*)::int from o) as organisations,
           (select count(*)::int from p) as projects,
           (select count(*)::int from e) as environments,
           (select count(*)::int from features_feature where project_id in (select id from p)) as features,
           (select count(*)::int from segments_segment where project_id in (select id from p)) as segments,
           (select count(*)::int from fs) as "featureStates",
           (select count(*)::int - count(distinct (feature_id, environment_id))::int from fs) as "duplicateStates",
           (select count(*)::int from fs where not exists (select 1 from features_featurestatevalue v where v.feature_state_id = fs.id)) as "statesWithoutValue"`;
  return row!;
}
