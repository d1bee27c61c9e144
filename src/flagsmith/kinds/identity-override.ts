/**
 * Identity overrides: a feature state with identity_id set and its value, as Flagsmith's identity featurestates
 * endpoint writes it. Not versioned, even in a v2 environment; set_live_from stamps them only in a v1 one.
 */
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import { identityKey, IN_DATABASE, keyOf, type DesiredIdentityOverride } from "../../kinds/index.ts";
import type { KindModule } from "../context.ts";
import { recordset } from "../sql/batch.ts";
import { guardWrite } from "../sql/write-error.ts";
import { inBoundProjects, requireId } from "../sql/lookups.ts";
import { insertStates, type StateRow } from "../feature-states.ts";
import { stateIds } from "./feature-state.ts";
import { touch } from "./environment.ts";
import { overrideValue, readContext, requireStateIds } from "./overrides.ts";
import { contentColumns, storedContent, type ContentRow } from "./state-content.ts";

export const identityOverrides: KindModule<"identityOverride"> = {
  async read(sql, desired, existing) {
    const probes = inBoundProjects("identityOverride", desired.identityOverrides, existing).flatMap((o) => {
      const ids = stateIds(existing.ids, o);
      const identity = existing.ids.identity.get(identityKey(o.environment, o.identifier));
      return ids && typeof identity === "number"
        ? [{ key: keyOf("identityOverride", o), f: ids.feature, i: identity, o }]
        : [];
    });
    if (probes.length === 0) return { ids: new Map() };
    // With the override's content, for drift; not versioned, so the one live row.
    const rows = await sql<Array<ContentRow & { key: string; id: number }>>`
      select w.key, st.id, ${contentColumns(sql, false)}
      from ${recordset(
        sql,
        probes.map(({ o: _o, ...p }) => p),
      )} as w(key text, f int, i int)
      join features_featurestate st on st.identity_id = w.i and st.feature_id = w.f and st.deleted_at is null
      left join features_featurestatevalue v on v.feature_state_id = st.id
      order by st.id`;
    const declared = new Map(probes.map((p) => [p.key, p.o]));
    const stored = new Map<string, DesiredIdentityOverride>();
    for (const row of rows) {
      const override = declared.get(row.key)!;
      const { multivariate: _none, ...content } = storedContent(row, {});
      stored.set(row.key, { ...override, ...content, source: IN_DATABASE });
    }
    return { ids: new Map(rows.map((r) => [r.key, r.id])), stored };
  },

  async create(ctx, actions) {
    const overrides = actions.map((a) => a.entity);
    const written = overrides.map((o) => ({ label: `"${o.identifier}" of "${o.feature}"`, source: o.source }));
    await guardWrite("identity override", written, async () => {
      const located = overrides.map((o) => ({ o, ...requireStateIds(ctx, o) }));
      const info = await readContext(
        ctx.sql,
        located.map((l) => l.feature),
        located.map((l) => l.environment),
      );
      const rows: StateRow[] = located.map((l) => ({
        feature_id: l.feature,
        environment_id: l.environment,
        identity_id: requireId(ctx.ids.identity.get(identityKey(l.o.environment, l.o.identifier)), l.o),
        feature_segment_id: null,
        enabled: l.o.enabled ?? false,
        version: 1,
        // Identity overrides are not versioned; set_live_from only stamps them in a v1 environment.
        live: !info.v2.has(l.environment),
        efv: null,
        salt: null,
        ...overrideValue(info, l.feature, l.o.value),
      }));
      await insertStates(ctx.sql, rows, ctx.present.has("features_featurestate.mv_hashing_salt"));
      touch(
        ctx,
        [],
        located.map((l) => l.environment),
      );
    });
    return new Map<ActionOf<"identityOverride">, Secret[]>();
  },
};
