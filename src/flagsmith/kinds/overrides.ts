/**
 * Segment overrides (features_featuresegment + its feature state and value), written as Flagsmith's
 * create-segment-override endpoint writes them; what identity overrides share with them (identity-override.ts). An override's value row starts from the feature's initial value
 * (FeatureState.get_feature_state_value_defaults) and then takes the declared value; segment overrides are
 * appended after the existing ones of their feature and environment, in the files' order (0-based priorities).
 * Environments on feature versioning v2 take segment overrides in a new published version (versioning.ts).
 */
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import {
  featureStateValue,
  IN_DATABASE,
  keyOf,
  multivariateOptionKey,
  segmentKey,
  type DesiredIdentityOverride,
  type DesiredSegmentOverride,
  type FeatureStateValue,
} from "../../kinds/index.ts";
import type { KindModule, Sql, WriteContext } from "../context.ts";
import { insertBatch, recordset } from "../sql/batch.ts";
import { guardWrite } from "../sql/write-error.ts";
import { inBoundProjects, requireId } from "../sql/lookups.ts";
import { insertStates, type StateRow } from "../feature-states.ts";
import { stateIds } from "./feature-state.ts";
import { touch } from "./environment.ts";
import { addInNewVersions } from "../versioning.ts";
import {
  contentColumns,
  isLiveState,
  LIVE_ORDER,
  liveVersion,
  storedContent,
  type ContentRow,
} from "./state-content.ts";

/** What writing an override needs to know about its feature and environment. */
export interface Context {
  /** The value an override starts from: the feature's initial value, typed (none under prevent_flag_defaults). */
  defaults: Map<number, FeatureStateValue>;
  v2: Set<number>;
}

export async function readContext(sql: Sql, featureIds: number[], environmentIds: number[]): Promise<Context> {
  const features = await sql<{ id: number; initial_value: string | null; prevent: boolean }[]>`
    select f.id, f.initial_value, p.prevent_flag_defaults as prevent
    from features_feature f join projects_project p on p.id = f.project_id where f.id = any(${featureIds}::int[])`;
  const environments = await sql<{ id: number }[]>`
    select id from environments_environment where id = any(${environmentIds}::int[]) and use_v2_feature_versioning`;
  return {
    defaults: new Map(features.map((f) => [f.id, featureStateValue(f.prevent ? null : f.initial_value)])),
    v2: new Set(environments.map((e) => e.id)),
  };
}

/** The value columns of an override: its own value, else its feature's default. */
export function overrideValue(ctx: Context, feature: number, value: string | null | undefined) {
  const v = value == null ? ctx.defaults.get(feature)! : featureStateValue(value);
  return { type: v.type, b: v.booleanValue, i: v.integerValue, s: v.stringValue };
}

export const segmentOverrides: KindModule<"segmentOverride"> = {
  async read(sql, desired, existing) {
    const probes = inBoundProjects("segmentOverride", desired.segmentOverrides, existing).flatMap((o) => {
      const ids = stateIds(existing.ids, o);
      const segment = existing.ids.segment.get(segmentKey(o.environment.project, o.segment));
      return ids && typeof segment === "number"
        ? [{ key: keyOf("segmentOverride", o), f: ids.feature, e: ids.environment, s: segment, o }]
        : [];
    });
    if (probes.length === 0) return { ids: new Map() };
    // v1: the environment's overrides; v2: those of the live version. Each with its state's content, for drift.
    const rows = await sql<Array<ContentRow & { key: string; id: number }>>`
      select w.key, seg.id, ${contentColumns(sql)}
      from ${recordset(
        sql,
        probes.map(({ o: _o, ...p }) => p),
      )} as w(key text, f int, e int, s int)
      join features_featuresegment seg on seg.feature_id = w.f and seg.environment_id = w.e and seg.segment_id = w.s
      join environments_environment env on env.id = w.e
      left join lateral (
        select s.id, s.enabled from features_featurestate s
        where s.feature_segment_id = seg.id and s.deleted_at is null and ${isLiveState(sql)}
        order by ${sql.unsafe(LIVE_ORDER)} limit 1) st on true
      left join features_featurestatevalue v on v.feature_state_id = st.id
      where seg.environment_feature_version_id is not distinct from ${liveVersion(sql)}`;
    const declared = new Map(probes.map((p) => [p.key, p.o]));
    const stored = new Map<string, DesiredSegmentOverride>();
    for (const row of rows) {
      const override = declared.get(row.key)!;
      stored.set(row.key, { ...override, ...storedContent(row, override), source: IN_DATABASE });
    }
    return { ids: new Map(rows.map((r) => [r.key, r.id])), stored };
  },

  async create(ctx, actions) {
    const overrides = actions.map((a) => a.entity);
    const written = overrides.map((o) => ({ label: `"${o.segment}" of "${o.feature}"`, source: o.source }));
    await guardWrite("segment override", written, async () => {
      const located = overrides.map((o) => ({ o, ...requireStateIds(ctx, o) }));
      const info = await readContext(
        ctx.sql,
        located.map((l) => l.feature),
        located.map((l) => l.environment),
      );
      const v1 = located.filter((l) => !info.v2.has(l.environment));
      await addSegmentOverrides(ctx, info, v1, null);
      await addInNewVersions(
        ctx,
        info,
        located.filter((l) => info.v2.has(l.environment)),
      );
      touch(
        ctx,
        [],
        located.map((l) => l.environment),
      );
    });
    return new Map<ActionOf<"segmentOverride">, Secret[]>();
  },
};

export type Located = { o: DesiredSegmentOverride; feature: number; environment: number };

export function requireStateIds(ctx: WriteContext, o: DesiredSegmentOverride | DesiredIdentityOverride) {
  const ids = stateIds(ctx.ids, o);
  return { feature: requireId(ids?.feature, o), environment: requireId(ids?.environment, o) };
}

/**
 * Appends segment overrides after those already in place (of the environment, or of the version `efv`), in the
 * files' order: the featuresegment, its state and value, and the declared allocations.
 */
export async function addSegmentOverrides(
  ctx: WriteContext,
  info: Context,
  located: Located[],
  efv: ((l: Located) => string) | null,
): Promise<void> {
  if (located.length === 0) return;
  const next = await nextPriorities(ctx.sql, located, efv);
  const segments = located.map((l) => ({
    feature_id: l.feature,
    environment_id: l.environment,
    segment_id: requireId(ctx.ids.segment.get(segmentKey(l.o.environment.project, l.o.segment)), l.o),
    priority: next(l),
    environment_feature_version_id: efv ? efv(l) : null,
  }));
  const created = await insertBatch<{ id: number; feature_id: number; environment_id: number; segment_id: number }>(
    ctx.sql,
    {
      table: "features_featuresegment",
      columns: {
        feature_id: "int",
        environment_id: "int",
        segment_id: "int",
        priority: "int",
        environment_feature_version_id: "uuid",
      },
      computed: { uuid: "gen_random_uuid()", enabled: "false" },
      returning: ["id", "feature_id", "environment_id", "segment_id"],
    },
    segments,
  );
  const idOf = new Map(created.map((r) => [`${r.feature_id}/${r.environment_id}/${r.segment_id}`, r.id]));
  const rows: StateRow[] = located.map((l, i) => ({
    feature_id: l.feature,
    environment_id: l.environment,
    identity_id: null,
    feature_segment_id: idOf.get(`${l.feature}/${l.environment}/${segments[i]!.segment_id}`)!,
    enabled: l.o.enabled ?? false,
    version: 1,
    live: efv === null,
    efv: efv ? efv(l) : null,
    salt: null,
    ...overrideValue(info, l.feature, l.o.value),
  }));
  const stateIdsInOrder = await insertStates(ctx.sql, rows, ctx.present.has("features_featurestate.mv_hashing_salt"));
  const allocations = located.flatMap((l, i) =>
    Object.entries(l.o.multivariate).map(([option, percent]) => ({
      feature_state_id: stateIdsInOrder[i]!,
      multivariate_feature_option_id: requireId(
        ctx.ids.multivariateOption.get(multivariateOptionKey(l.o.environment.project, l.o.feature, option)),
        l.o,
      ),
      percentage_allocation: percent,
    })),
  );
  await insertBatch(
    ctx.sql,
    {
      table: "multivariate_multivariatefeaturestatevalue",
      columns: {
        feature_state_id: "int",
        multivariate_feature_option_id: "int",
        percentage_allocation: "double precision",
      },
      computed: { uuid: "gen_random_uuid()" },
    },
    allocations,
  );
}

/** Each new override's priority: after the highest in place for its feature and environment (or version). */
async function nextPriorities(sql: Sql, located: Located[], efv: ((l: Located) => string) | null) {
  const groups = located.map((l) => ({ f: l.feature, e: l.environment, v: efv ? efv(l) : null }));
  const rows = await sql<{ f: number; e: number; next: number }[]>`
    select g.f, g.e, coalesce(max(fs.priority) + 1, 0)::int as next
    from (select distinct * from ${recordset(sql, groups)} as g(f int, e int, v uuid)) g
    left join features_featuresegment fs on fs.feature_id = g.f and fs.environment_id = g.e
      and fs.environment_feature_version_id is not distinct from g.v
    group by g.f, g.e`;
  const next = new Map(rows.map((r) => [`${r.f}/${r.e}`, r.next]));
  return (l: Located) => {
    const key = `${l.feature}/${l.environment}`;
    const priority = next.get(key)!;
    next.set(key, priority + 1);
    return priority;
  };
}
