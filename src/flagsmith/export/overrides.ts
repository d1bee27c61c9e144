/**
 * Segment overrides (always) and identity overrides (`--include overrides`) as Flagsmith serves them, one query each:
 * on versioning v1 the live state of each override, on v2 the segment overrides of the live version (identity
 * overrides are not versioned). Segment overrides keep their priority order, which is their list order in a file.
 */
import { IN_DATABASE, identityKey } from "../../kinds/index.ts";
import { idsOf, quoted, type Reading } from "./reading.ts";
import {
  allocationsOf,
  byVersioning,
  liveVersions,
  valueOf,
  type AllocationsByState,
  type StateRow,
} from "./states.ts";

export async function readSegmentOverrides(r: Reading, allocations: AllocationsByState): Promise<void> {
  const { v1, v2 } = byVersioning(r);
  const rows = await r.sql<(StateRow & { segment_id: number; priority: number | null; fs_id: number })[]>`
    with live as (${liveVersions(r.sql, v2)})
    select * from (
      (select distinct on (fsg.id) fsg.id as fs_id, fsg.segment_id, fsg.priority, st.id, st.feature_id as f,
              st.environment_id as e, st.enabled, v.type, v.boolean_value as b, v.integer_value as i, v.string_value as s
       from features_featuresegment fsg
       join features_featurestate st on st.feature_segment_id = fsg.id and st.identity_id is null and st.deleted_at is null
       left join features_featurestatevalue v on v.feature_state_id = st.id
       where fsg.environment_id = any(${v1}::int[]) and fsg.environment_feature_version_id is null
         and st.version is not null and st.live_from <= now()
       order by fsg.id, st.live_from desc, st.version desc)
      union all
      (select distinct on (fsg.id) fsg.id, fsg.segment_id, fsg.priority, st.id, st.feature_id, st.environment_id,
              st.enabled, v.type, v.boolean_value, v.integer_value, v.string_value
       from features_featuresegment fsg
       join features_featurestate st on st.feature_segment_id = fsg.id and st.identity_id is null and st.deleted_at is null
       left join features_featurestatevalue v on v.feature_state_id = st.id
       where fsg.environment_feature_version_id in (select uuid from live)
       order by fsg.id, st.id desc)) o
    order by e, f, priority nulls last, fs_id`;
  for (const row of rows) {
    const feature = r.features.get(row.f);
    const environment = r.environments.get(row.e);
    if (!feature || !environment) continue;
    const segment = r.segments.get(row.segment_id);
    const what = `${quoted(feature.name)} in ${quoted(environment.ref.name)} of ${quoted(feature.project.name)}`;
    if (segment === undefined) {
      r.notes.add(feature.project.organisation, "segment overrides of segments left out", what);
      continue;
    }
    r.desired.segmentOverrides.push({
      environment: environment.ref,
      feature: feature.name,
      segment,
      enabled: row.enabled,
      value: valueOf(r, feature, row, `override ${quoted(segment)} of ${what}`),
      multivariate: allocationsOf(r, feature, allocations.get(row.id) ?? [], what, false),
      source: IN_DATABASE,
    });
  }
}

export async function readIdentityOverrides(r: Reading, allocations: AllocationsByState): Promise<void> {
  const { v2 } = byVersioning(r);
  const rows = await r.sql<(StateRow & { identifier: string })[]>`
    select distinct on (st.identity_id, st.feature_id) st.id, st.feature_id as f, st.environment_id as e, i.identifier,
           st.enabled, v.type, v.boolean_value as b, v.integer_value as i, v.string_value as s
    from features_featurestate st join environments_identity i on i.id = st.identity_id
    left join features_featurestatevalue v on v.feature_state_id = st.id
    where st.environment_id = any(${idsOf(r.environments)}::int[]) and st.identity_id is not null and st.deleted_at is null
      and (st.environment_id = any(${v2}::int[]) or (st.version is not null and st.live_from <= now()))
    order by st.identity_id, st.feature_id, st.live_from desc nulls last, st.version desc nulls last, st.id desc`;
  // Without --include identities, the identities the overrides name are exported by identifier alone.
  const declared = new Set(r.desired.identities.map((i) => identityKey(i.environment, i.identifier)));
  for (const row of rows) {
    const feature = r.features.get(row.f);
    const environment = r.environments.get(row.e);
    if (!feature || !environment) continue;
    const what = `${quoted(feature.name)} for ${quoted(row.identifier)} in ${quoted(environment.ref.name)}`;
    if (allocations.has(row.id))
      r.notes.add(feature.project.organisation, "identity overrides' allocations (a file has none)", what);
    if (!declared.has(identityKey(environment.ref, row.identifier))) {
      declared.add(identityKey(environment.ref, row.identifier));
      r.desired.identities.push({
        environment: environment.ref,
        identifier: row.identifier,
        traits: {},
        source: IN_DATABASE,
      });
    }
    r.desired.identityOverrides.push({
      environment: environment.ref,
      feature: feature.name,
      identifier: row.identifier,
      enabled: row.enabled,
      value: valueOf(r, feature, row, what),
      source: IN_DATABASE,
    });
  }
}
