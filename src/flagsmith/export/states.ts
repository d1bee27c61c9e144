/**
 * The live environment state of every exported feature in every exported environment, in one query, and the
 * multivariate allocations of every state of the exported projects, in another. Live is what Flagsmith serves
 * (features/versioning/versioning_service.py): on versioning v1 the state with the latest live_from (then version)
 * that is already live; on v2 the state of the latest published version that is live. Only what differs from the
 * state a new environment gets (features.ts) is written.
 */
import { IN_DATABASE, type Allocations } from "../../kinds/index.ts";
import type { Sql } from "../context.ts";
import { recordset } from "../sql/batch.ts";
import { storedValue, type ValueColumns } from "../kinds/state-content.ts";
import { idsOf, quoted, type FeatureInScope, type Reading } from "./reading.ts";
import { percentOf, sameValue, textOf } from "./stored-values.ts";

/** State id → its multivariate allocations: option id and stored percentage. */
export type AllocationsByState = Map<number, Array<{ option: number; percentage: number }>>;

export type StateRow = ValueColumns & { id: number; f: number; e: number; enabled: boolean };

/** The environments on versioning v1 and on v2, as `= any(…)` arrays. */
export function byVersioning(r: Reading): { v1: number[]; v2: number[] } {
  const v1: number[] = [];
  const v2: number[] = [];
  for (const [id, e] of r.environments) (e.v2 ? v2 : v1).push(id);
  return { v1, v2 };
}

/** The uuids of the live version of each feature in the v2 environments (a CTE body). */
export const liveVersions = (sql: Sql, v2: number[]) => sql`
  select distinct on (environment_id, feature_id) uuid from feature_versioning_environmentfeatureversion
  where environment_id = any(${v2}::int[]) and deleted_at is null and published_at is not null and live_from <= now()
  order by environment_id, feature_id, live_from desc`;

export async function readAllocations(r: Reading): Promise<AllocationsByState> {
  const rows = await r.sql<{ state: number; option: number; percentage: number }[]>`
    select mv.feature_state_id as state, mv.multivariate_feature_option_id as option, mv.percentage_allocation as percentage
    from multivariate_multivariatefeaturestatevalue mv
    join multivariate_multivariatefeatureoption o on o.id = mv.multivariate_feature_option_id
    join features_feature f on f.id = o.feature_id
    where f.project_id = any(${idsOf(r.projects)}::int[]) order by mv.id`;
  const out: AllocationsByState = new Map();
  for (const { state, option, percentage } of rows) {
    const list = out.get(state);
    if (list) list.push({ option, percentage });
    else out.set(state, [{ option, percentage }]);
  }
  return out;
}

export async function readStates(r: Reading, allocations: AllocationsByState): Promise<void> {
  const { v1, v2 } = byVersioning(r);
  // What a new state of each feature holds: only states that differ from it travel (most states of a large
  // instance are as their feature made them). valueOf and allocationsOf below decide again, exactly.
  const defaults = [...r.features].map(([f, { defaultEnabled, defaultValue: v, optionDefaults }]) => ({
    f,
    mv: optionDefaults.size > 0,
    enabled: defaultEnabled,
    type: v.type,
    b: v.booleanValue,
    i: v.integerValue,
    s: v.stringValue,
  }));
  // The live state of 100k pairs is found by sorting them: in memory, not on disk (4 MB is PostgreSQL's default).
  await r.sql`set local work_mem = '64MB'`;
  const rows = await r.sql<StateRow[]>`
    with live as (${liveVersions(r.sql, v2)}),
    states as (
      (select distinct on (fs.feature_id, fs.environment_id)
              fs.id, fs.feature_id as f, fs.environment_id as e, fs.enabled,
              v.type, v.boolean_value as b, v.integer_value as i, v.string_value as s
       from features_featurestate fs left join features_featurestatevalue v on v.feature_state_id = fs.id
       where fs.environment_id = any(${v1}::int[]) and fs.identity_id is null and fs.feature_segment_id is null
         and fs.deleted_at is null and fs.version is not null and fs.live_from <= now()
       order by fs.feature_id, fs.environment_id, fs.live_from desc, fs.version desc)
      union all
      (select fs.id, fs.feature_id, fs.environment_id, fs.enabled, v.type, v.boolean_value, v.integer_value, v.string_value
       from features_featurestate fs left join features_featurestatevalue v on v.feature_state_id = fs.id
       where fs.environment_feature_version_id in (select uuid from live) and fs.identity_id is null
         and fs.feature_segment_id is null and fs.deleted_at is null))
    select st.* from states st
    join ${recordset(r.sql, defaults)} as d(f int, mv boolean, enabled boolean, type text, b boolean, i int, s text) on d.f = st.f
    where st.enabled <> d.enabled
       or (case when st.type in ('int', 'bool') then st.type else 'unicode' end) <> d.type
       or (case st.type when 'int' then st.i is distinct from d.i when 'bool' then st.b is distinct from d.b
                        else st.s is distinct from d.s end)
       or (d.mv and exists (
             select from multivariate_multivariatefeaturestatevalue mv
             join multivariate_multivariatefeatureoption o on o.id = mv.multivariate_feature_option_id
             where mv.feature_state_id = st.id and mv.percentage_allocation is distinct from o.default_percentage_allocation))`;
  for (const row of rows) {
    const feature = r.features.get(row.f);
    const environment = r.environments.get(row.e);
    if (!feature || !environment) continue;
    const what = `${quoted(feature.name)} in ${quoted(environment.ref.name)} of ${quoted(feature.project.name)}`;
    const value = valueOf(r, feature, row, what);
    const multivariate = allocationsOf(r, feature, allocations.get(row.id) ?? [], what, true);
    const enabled = row.enabled === feature.defaultEnabled ? null : row.enabled;
    if (enabled === null && value === null && Object.keys(multivariate).length === 0) continue;
    r.desired.featureStates.push({
      environment: environment.ref,
      feature: feature.name,
      enabled,
      value,
      multivariate,
      source: IN_DATABASE,
    });
  }
}

/** The text for a state's value, or null when it is the value the feature gives (or one no text can give). */
export function valueOf(r: Reading, feature: FeatureInScope, row: ValueColumns, what: string): string | null {
  const stored = storedValue(row);
  if (sameValue(stored, feature.defaultValue)) return null;
  const { text, faithful } = textOf(stored);
  const organisation = feature.project.organisation;
  if (text === null)
    r.notes.add(organisation, "values removed where the feature has one (the feature's is used)", what);
  else if (!faithful) r.notes.add(organisation, "values a file types differently (stored as typed)", what);
  return text;
}

/**
 * Allocations by option value: for an environment state those that differ from the option's default (the state
 * gets the defaults otherwise), for a segment override all of them (it gets none otherwise).
 */
export function allocationsOf(
  r: Reading,
  feature: FeatureInScope,
  stored: Array<{ option: number; percentage: number }>,
  what: string,
  againstDefaults: boolean,
): Allocations {
  const out: Allocations = {};
  for (const { option, percentage } of stored) {
    const value = r.options.get(option);
    if (value === undefined) continue;
    const { percent, faithful } = percentOf(percentage);
    if (!faithful) r.notes.add(feature.project.organisation, "percentages that are not whole numbers (rounded)", what);
    if (!againstDefaults || percent !== feature.optionDefaults.get(option)) out[value] = percent;
  }
  return out;
}
