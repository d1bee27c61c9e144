/**
 * Feature versioning v2 (environments with use_v2_feature_versioning): a change to a feature's content in an
 * environment is a new published version (feature_versioning_environmentfeatureversion) holding a copy of every
 * state of the live version (FeatureState.clone: version NULL, live_from NULL, mv_hashing_salt the source's seed,
 * values and allocations copied; segment overrides with their featuresegment) plus the change. This is what the
 * dashboard's "save" of a segment override in a v2 environment makes (one version per feature and environment).
 * The live version's rows stay as they are.
 */
import type { WriteContext } from "./context.ts";
import { recordset } from "./sql/batch.ts";
import { insertStates, type StateRow } from "./feature-states.ts";
import { addSegmentOverrides, type Context, type Located } from "./kinds/overrides.ts";

/** Adds the overrides of v2 environments: one new version per feature and environment, in the files' order. */
export async function addInNewVersions(ctx: WriteContext, info: Context, located: Located[]): Promise<void> {
  if (located.length === 0) return;
  const groups = [
    ...new Map(located.map((l) => [`${l.feature}/${l.environment}`, { f: l.feature, e: l.environment }])).values(),
  ];
  // The new versions go live at the statement's clock, after the live ones (which this run may have created at now()).
  const versions = await ctx.sql<{ f: number; e: number; new_v: string; old_v: string | null }[]>`
    with g as (select * from ${recordset(ctx.sql, groups)} as g(f int, e int)),
    live as (
      select g.f, g.e, (
        select v.uuid from feature_versioning_environmentfeatureversion v
        where v.environment_id = g.e and v.feature_id = g.f and v.published_at is not null
          and v.live_from <= now() and v.deleted_at is null
        order by v.live_from desc limit 1) as old_v
      from g),
    created as (
      insert into feature_versioning_environmentfeatureversion
        (uuid, environment_id, feature_id, created_at, updated_at, published_at, live_from)
      select gen_random_uuid(), e, f, now(), clock_timestamp(), clock_timestamp(), clock_timestamp() from g
      returning uuid, environment_id, feature_id)
    select live.f, live.e, created.uuid::text as new_v, live.old_v::text as old_v
    from live join created on created.feature_id = live.f and created.environment_id = live.e`;
  const newVersionOf = new Map(versions.map((v) => [`${v.f}/${v.e}`, v.new_v]));
  await cloneLiveStates(ctx, versions);
  await addSegmentOverrides(ctx, info, located, (l) => newVersionOf.get(`${l.feature}/${l.environment}`)!);
}

/** Copies every state of each live version (and its segment overrides' featuresegments) into the new version. */
async function cloneLiveStates(
  ctx: WriteContext,
  versions: Array<{ new_v: string; old_v: string | null }>,
): Promise<void> {
  const pairs = versions.filter((v) => v.old_v !== null);
  if (pairs.length === 0) return;
  const segments = await ctx.sql<{ old_id: number; new_id: number }[]>`
    with p as (select * from ${recordset(ctx.sql, pairs)} as p(new_v uuid, old_v uuid)),
    source as (
      select s.*, p.new_v from features_featuresegment s join p on s.environment_feature_version_id = p.old_v),
    copied as (
      insert into features_featuresegment
        (uuid, feature_id, segment_id, environment_id, priority, enabled, value, value_type, environment_feature_version_id)
      select gen_random_uuid(), feature_id, segment_id, environment_id, priority, enabled, value, value_type, new_v
      from source order by id
      returning id, segment_id, environment_feature_version_id)
    select source.id as old_id, copied.id as new_id
    from source join copied on copied.segment_id = source.segment_id and copied.environment_feature_version_id = source.new_v`;
  const segmentOf = new Map(segments.map((s) => [s.old_id, s.new_id]));
  const states = await ctx.sql<Array<Omit<StateRow, "version" | "live" | "salt"> & { id: number; seed: number }>>`
    select fs.id, fs.feature_id, fs.environment_id, fs.identity_id, fs.feature_segment_id, fs.enabled,
           p.new_v::text as efv, ${ctx.present.has("features_featurestate.mv_hashing_salt") ? ctx.sql`coalesce(fs.mv_hashing_salt, fs.id)` : ctx.sql`fs.id`} as seed,
           coalesce(v.type, 'unicode') as type, v.boolean_value as b, v.integer_value as i, v.string_value as s
    from ${recordset(ctx.sql, pairs)} as p(new_v uuid, old_v uuid)
    join features_featurestate fs on fs.environment_feature_version_id = p.old_v and fs.deleted_at is null
    left join features_featurestatevalue v on v.feature_state_id = fs.id
    order by fs.id`;
  const clones = await insertStates(
    ctx.sql,
    states.map(({ id: _id, seed, ...s }) => ({
      ...s,
      feature_segment_id: s.feature_segment_id === null ? null : segmentOf.get(s.feature_segment_id)!,
      version: null,
      live: false,
      salt: seed,
    })),
    ctx.present.has("features_featurestate.mv_hashing_salt"),
  );
  const copies = states.map((s, i) => ({ old_id: s.id, new_id: clones[i]! }));
  if (copies.length)
    await ctx.sql`
      insert into multivariate_multivariatefeaturestatevalue
        (uuid, feature_state_id, multivariate_feature_option_id, percentage_allocation)
      select gen_random_uuid(), c.new_id, mv.multivariate_feature_option_id, mv.percentage_allocation
      from ${recordset(ctx.sql, copies)} as c(old_id int, new_id int)
      join multivariate_multivariatefeaturestatevalue mv on mv.feature_state_id = c.old_id
      order by c.new_id, mv.id`;
}
