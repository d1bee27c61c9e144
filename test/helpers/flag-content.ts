/**
 * Reading flag content (PROVISIONING.md §5) back from a Flagsmith database by name rather than by id, so one
 * expectation holds on every schema and after a reset: one line per feature state, its value typed, its
 * allocations, which version of its feature and environment it belongs to.
 */
import type postgres from "postgres";

/**
 * One line per feature state, in id order (the order Flagsmith's requests would create them):
 * `<feature> <environment> <default | segment S | identity I>[ vN] <on|off> version=<n|NULL> <live|not live>
 * <type value> [option=percent,…]`. vN numbers the feature's versions in the environment by live_from (v2 only).
 */
export async function stateLines(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`
    with versions as (
      select uuid, row_number() over (partition by environment_id, feature_id order by live_from, created_at) as n
      from feature_versioning_environmentfeatureversion)
    select concat_ws(' ', f.name, e.name,
             coalesce('segment ' || s.name, 'identity ' || i.identifier, 'default') || coalesce(' v' || ver.n, ''),
             case when fs.enabled then 'on' else 'off' end,
             'version=' || coalesce(fs.version::text, 'NULL'),
             case when fs.live_from is null then 'not live' else 'live' end,
             v.type || ' ' || case v.type when 'int' then v.integer_value::text when 'bool' then v.boolean_value::text
                                          else coalesce(v.string_value, 'NULL') end,
             (select '[' || string_agg(coalesce(o.string_value, o.integer_value::text, o.boolean_value::text) || '='
                                       || mv.percentage_allocation, ',' order by mv.id) || ']'
              from multivariate_multivariatefeaturestatevalue mv
              join multivariate_multivariatefeatureoption o on o.id = mv.multivariate_feature_option_id
              where mv.feature_state_id = fs.id)) as line
    from features_featurestate fs
    join features_feature f on f.id = fs.feature_id
    join environments_environment e on e.id = fs.environment_id
    join features_featurestatevalue v on v.feature_state_id = fs.id
    left join features_featuresegment fseg on fseg.id = fs.feature_segment_id
    left join segments_segment s on s.id = fseg.segment_id
    left join environments_identity i on i.id = fs.identity_id
    left join versions ver on ver.uuid = fs.environment_feature_version_id
    order by fs.id`;
  return rows.map((r) => r.line);
}

/** Values stored in a column their type does not use (Flagsmith writes only the type's column). */
export async function strayValueColumns(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from features_featurestatevalue
    where (type = 'int' and (string_value is not null or boolean_value is not null or integer_value is null))
       or (type = 'bool' and (string_value is not null or integer_value is not null or boolean_value is null))
       or (type = 'unicode' and (integer_value is not null or boolean_value is not null))`;
  return row!.n;
}

/** Segment overrides' feature segments: `<feature> <environment> <segment> vN priority=<p>`, legacy columns apart. */
export async function featureSegments(
  sql: postgres.Sql,
): Promise<{ line: string; enabled: boolean; value: string | null; value_type: string | null }[]> {
  const rows = await sql<{ line: string; enabled: boolean; value: string | null; value_type: string | null }[]>`
    with versions as (
      select uuid, row_number() over (partition by environment_id, feature_id order by live_from, created_at) as n
      from feature_versioning_environmentfeatureversion)
    select concat_ws(' ', f.name, e.name, s.name || coalesce(' v' || ver.n, ''), 'priority=' || fseg.priority) as line,
           fseg.enabled, fseg.value, fseg.value_type
    from features_featuresegment fseg
    join features_feature f on f.id = fseg.feature_id
    join environments_environment e on e.id = fseg.environment_id
    join segments_segment s on s.id = fseg.segment_id
    left join versions ver on ver.uuid = fseg.environment_feature_version_id
    order by fseg.id`;
  return rows.map((r) => ({ ...r }));
}

/** A version row of feature versioning v2, with its feature's name. */
export interface VersionRow {
  uuid: string;
  feature: string;
  environment: string;
  created_at: Date;
  published_at: Date | null;
  live_from: Date | null;
  created_by_id: number | null;
  published_by_id: number | null;
  change_request_id: number | null;
  deleted_at: Date | null;
}

/** Every version row, by feature and live_from. */
export function versions(sql: postgres.Sql): Promise<VersionRow[]> {
  return sql<VersionRow[]>`
    select v.uuid::text, f.name as feature, e.name as environment, v.created_at, v.published_at, v.live_from,
           v.created_by_id, v.published_by_id, v.change_request_id, v.deleted_at
    from feature_versioning_environmentfeatureversion v
    join features_feature f on f.id = v.feature_id join environments_environment e on e.id = v.environment_id
    order by f.name, v.live_from, v.created_at`;
}

/**
 * Every row that belongs to the given versions (the version rows, their states, values, feature segments and
 * allocations), as JSON text: what must stay exactly as it was when a later version is published.
 */
export async function rowsOfVersions(sql: postgres.Sql, uuids: string[]): Promise<string[]> {
  const rows = await sql<{ row: string }[]>`
    select to_jsonb(v)::text as row from feature_versioning_environmentfeatureversion v where v.uuid::text = any(${uuids})
    union all
    select to_jsonb(fs)::text from features_featurestate fs where fs.environment_feature_version_id::text = any(${uuids})
    union all
    select to_jsonb(fsv)::text from features_featurestatevalue fsv join features_featurestate fs on fs.id = fsv.feature_state_id
    where fs.environment_feature_version_id::text = any(${uuids})
    union all
    select to_jsonb(mv)::text from multivariate_multivariatefeaturestatevalue mv
    join features_featurestate fs on fs.id = mv.feature_state_id where fs.environment_feature_version_id::text = any(${uuids})
    union all
    select to_jsonb(fseg)::text from features_featuresegment fseg where fseg.environment_feature_version_id::text = any(${uuids})`;
  return rows.map((r) => r.row).sort();
}
