/**
 * Environment states declared per feature and environment (contract §5). The states themselves are written with
 * their feature or environment (feature-states.ts); what the files declare for them is then set on those fresh
 * rows, as the dashboard's PUT of the state does: `enabled`, the value (updated in place), and the multivariate
 * allocations (updated in place). A state whose feature and environment both existed is never changed.
 */
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import {
  environmentKey,
  featureKey,
  featureStateValue,
  IN_DATABASE,
  keyOf,
  multivariateOptionKey,
  type DesiredFeatureState,
  type Existing,
} from "../../kinds/index.ts";
import type { KindModule, WriteContext } from "../context.ts";
import { recordset } from "../sql/batch.ts";
import { inBoundProjects, requireId } from "../sql/lookups.ts";
import { contentColumns, isLiveState, LIVE_ORDER, storedContent, type ContentRow } from "./state-content.ts";

/** The feature and environment ids of a (bound) state-like entity, when both are known. */
export function stateIds(
  ids: Pick<Existing["ids"], "feature" | "environment">,
  e: { environment: DesiredFeatureState["environment"]; feature: string },
): { feature: number; environment: number } | null {
  const feature = ids.feature.get(featureKey(e.environment.project, e.feature));
  const environment = ids.environment.get(environmentKey(e.environment));
  return typeof feature === "number" && typeof environment === "number" ? { feature, environment } : null;
}

export const featureStates: KindModule<"featureState"> = {
  // A state exists when its feature and its environment do: both create it. What it holds is read for drift.
  async read(sql, desired, existing) {
    const ids = new Map<string, number | string>();
    const declared = new Map<string, DesiredFeatureState>();
    const probes: Array<{ key: string; f: number; e: number }> = [];
    for (const bound of inBoundProjects("featureState", desired.featureStates, existing)) {
      const found = stateIds(existing.ids, bound);
      if (!found) continue;
      const key = keyOf("featureState", bound);
      ids.set(key, `${found.feature}/${found.environment}`);
      declared.set(key, bound);
      probes.push({ key, f: found.feature, e: found.environment });
    }
    if (probes.length === 0) return { ids };
    // The environment default the environment serves: its live state (state-content.ts).
    const rows = await sql<Array<ContentRow & { key: string }>>`
      select w.key, ${contentColumns(sql)}
      from ${recordset(sql, probes)} as w(key text, f int, e int)
      join environments_environment env on env.id = w.e
      cross join lateral (
        select s.id, s.enabled from features_featurestate s
        where s.feature_id = w.f and s.environment_id = w.e and s.identity_id is null
          and s.feature_segment_id is null and s.deleted_at is null and ${isLiveState(sql)}
        order by ${sql.unsafe(LIVE_ORDER)} limit 1) st
      left join features_featurestatevalue v on v.feature_state_id = st.id`;
    const stored = new Map<string, DesiredFeatureState>();
    for (const row of rows) {
      const state = declared.get(row.key)!;
      const content = storedContent(row, state);
      stored.set(row.key, { ...state, ...content, enabled: content.enabled ?? null, source: IN_DATABASE });
    }
    return { ids, stored };
  },

  async create(ctx, actions) {
    await setDeclaredContent(
      ctx,
      actions.map((a) => a.entity),
    );
    return new Map<ActionOf<"featureState">, Secret[]>();
  },
};

/** Sets enabled, value and allocations on the environment states just created, in three statements. */
async function setDeclaredContent(ctx: WriteContext, states: DesiredFeatureState[]): Promise<void> {
  const rows = states.map((s) => {
    const ids = stateIds(ctx.ids, s);
    const value = s.value == null ? null : featureStateValue(s.value);
    return {
      f: requireId(ids?.feature, s),
      e: requireId(ids?.environment, s),
      enabled: s.enabled,
      has_value: value !== null,
      type: value?.type ?? null,
      b: value?.booleanValue ?? null,
      i: value?.integerValue ?? null,
      s: value?.stringValue ?? null,
    };
  });
  const changed = rows.filter((r) => r.enabled != null);
  if (changed.length)
    await ctx.sql`
      update features_featurestate fs set enabled = d.enabled, updated_at = now()
      from ${recordset(ctx.sql, changed)} as d(f int, e int, enabled boolean)
      where fs.feature_id = d.f and fs.environment_id = d.e and fs.identity_id is null
        and fs.feature_segment_id is null and fs.deleted_at is null`;
  const valued = rows.filter((r) => r.has_value);
  if (valued.length)
    await ctx.sql`
      update features_featurestatevalue v
      set type = d.type, boolean_value = d.b, integer_value = d.i, string_value = d.s
      from ${recordset(ctx.sql, valued)} as d(f int, e int, type text, b boolean, i int, s text),
           features_featurestate fs
      where v.feature_state_id = fs.id and fs.feature_id = d.f and fs.environment_id = d.e
        and fs.identity_id is null and fs.feature_segment_id is null and fs.deleted_at is null`;
  const allocations = states.flatMap((s) =>
    Object.entries(s.multivariate).map(([option, percent]) => ({
      o: requireId(ctx.ids.multivariateOption.get(multivariateOptionKey(s.environment.project, s.feature, option)), s),
      e: requireId(stateIds(ctx.ids, s)?.environment, s),
      p: percent,
    })),
  );
  if (allocations.length)
    await ctx.sql`
      update multivariate_multivariatefeaturestatevalue mv set percentage_allocation = d.p
      from ${recordset(ctx.sql, allocations)} as d(o int, e int, p double precision), features_featurestate fs
      where mv.multivariate_feature_option_id = d.o and mv.feature_state_id = fs.id and fs.environment_id = d.e
        and fs.identity_id is null and fs.feature_segment_id is null and fs.deleted_at is null`;
}
