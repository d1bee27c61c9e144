/**
 * Multivariate options (multivariate_multivariatefeatureoption), with what MultivariateFeatureOption's
 * AFTER_CREATE hooks write: one multivariate_multivariatefeaturestatevalue per environment state of the feature
 * (every version's; not overrides) at the option's default allocation, and the feature's type made MULTIVARIATE.
 */
import { UserError, type Issue } from "../../errors.ts";
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import {
  featureKey,
  featureStateValue,
  IN_DATABASE,
  keyOf,
  multivariateOptionKey,
  optionValueKey,
  type DesiredMultivariateOption,
  type Existing,
} from "../../kinds/index.ts";
import type { KindModule, Sql } from "../context.ts";
import { recordset } from "../sql/batch.ts";
import { guardWrite } from "../sql/write-error.ts";
import { bindProject, inBoundProjects, requireId } from "../sql/lookups.ts";
import { projectIdOf, touch } from "./environment.ts";
import { STORED_OPTION_KEY, storedValue, textOf, type ValueColumns } from "./state-content.ts";

/** A found option: its id, and what drift compares and a skip names. */
interface OptionRow extends ValueColumns {
  key: string;
  id: number;
  allocation: number;
}

/** The options of existing features with these keys, in one query. */
async function findOptions(
  sql: Sql,
  wanted: Array<{ key: string; feature: number | string | undefined; value: string }>,
): Promise<OptionRow[]> {
  // One probe per option: every state and override allocating an option names it again.
  const probes = new Map<string, { key: string; f: number; v: string }>();
  for (const w of wanted)
    if (typeof w.feature === "number" && !probes.has(w.key))
      probes.set(w.key, { key: w.key, f: w.feature, v: optionValueKey(w.value) });
  if (probes.size === 0) return [];
  return sql<OptionRow[]>`
    select w.key, o.id, o.default_percentage_allocation as allocation,
           o.type, o.boolean_value as b, o.integer_value as i, o.string_value as s
    from ${recordset(sql, [...probes.values()])} as w(key text, f int, v text)
    join public.multivariate_multivariatefeatureoption o on o.feature_id = w.f and (${sql.unsafe(STORED_OPTION_KEY)}) = w.v`;
}

export const multivariateOptions: KindModule<"multivariateOption"> = {
  async read(sql, desired, existing: Readonly<Existing>) {
    // Declared options, and those the allocations of states and segment overrides name (they may only exist).
    const options = inBoundProjects("multivariateOption", desired.multivariateOptions, existing);
    const referenced = [...desired.featureStates, ...desired.segmentOverrides].flatMap((s) => {
      const project = bindProject(s.environment.project, existing);
      return project ? Object.keys(s.multivariate).map((value) => ({ project, feature: s.feature, value })) : [];
    });
    const wanted = [...options, ...referenced].map((o) => ({
      key: multivariateOptionKey(o.project, o.feature, o.value),
      feature: existing.ids.feature.get(featureKey(o.project, o.feature)),
      value: o.value,
    }));
    const rows = await findOptions(sql, wanted);
    const ids = new Map(rows.map((r) => [r.key, r.id]));
    await refuseOverAllocation(
      sql,
      options.filter((o) => !ids.has(multivariateOptionKey(o.project, o.feature, o.value))),
      existing,
    );
    const declared = new Map(options.map((o) => [keyOf("multivariateOption", o), o]));
    const stored = new Map<string, DesiredMultivariateOption>();
    for (const row of rows) {
      const option = declared.get(row.key);
      if (option)
        stored.set(row.key, {
          ...option,
          value: textOf(storedValue(row)) ?? "",
          defaultAllocation: row.allocation,
          source: IN_DATABASE,
        });
    }
    return { ids, stored };
  },

  async create(ctx, actions) {
    const rows = actions.map(({ entity: o }) => {
      const v = featureStateValue(o.value);
      return {
        feature_id: requireId(ctx.ids.feature.get(featureKey(o.project, o.feature)), o),
        type: v.type,
        boolean_value: v.booleanValue,
        integer_value: v.integerValue,
        string_value: v.stringValue,
        default_percentage_allocation: o.defaultAllocation,
        ord: 0,
      };
    });
    rows.forEach((r, i) => (r.ord = i));
    const written = actions.map((a) => ({
      label: `"${a.entity.value}" of "${a.entity.feature}"`,
      source: a.entity.source,
    }));
    const ids = await guardWrite("multivariate option", written, async () => {
      // Ids are drawn in declaration order (the order the dashboard posts them), then matched back by `ord`.
      const created = await ctx.sql<{ id: number; ord: number }[]>`
        with input as (select * from ${recordset(ctx.sql, rows)} as r(
          feature_id int, type text, boolean_value boolean, integer_value int, string_value text,
          default_percentage_allocation double precision, ord int)),
        drawn as materialized (
          select nextval((select pg_get_serial_sequence('public.multivariate_multivariatefeatureoption', 'id'))::regclass)::int
                   as id, t.*
          from (select * from input order by ord) t),
        inserted as (
          insert into multivariate_multivariatefeatureoption
            (id, uuid, feature_id, type, boolean_value, integer_value, string_value, default_percentage_allocation)
          select id, gen_random_uuid(), feature_id, type, boolean_value, integer_value, string_value,
                 default_percentage_allocation from drawn returning id)
        select d.id, d.ord from drawn d join inserted using (id)`;
      const idOf = new Map(created.map((r) => [r.ord, r.id]));
      const optionIds = rows.map((_, i) => idOf.get(i)!);
      await ctx.sql`
        insert into multivariate_multivariatefeaturestatevalue
          (uuid, feature_state_id, multivariate_feature_option_id, percentage_allocation)
        select gen_random_uuid(), fs.id, o.id, o.default_percentage_allocation
        from multivariate_multivariatefeatureoption o
        join features_featurestate fs on fs.feature_id = o.feature_id
          and fs.identity_id is null and fs.feature_segment_id is null and fs.deleted_at is null
        where o.id = any(${optionIds}::int[])
        order by o.id, fs.id`;
      const featureIds = [...new Set(rows.map((r) => r.feature_id))];
      await ctx.sql`
        update features_feature set type = 'MULTIVARIATE' where id = any(${featureIds}::int[]) and type <> 'MULTIVARIATE'`;
      // The API's project-level audit row for a new option moves every environment of the project (§2.4).
      touch(
        ctx,
        actions.map((a) => projectIdOf(ctx.ids.project, a.entity.project)),
      );
      return optionIds;
    });
    actions.forEach((a, i) => ctx.ids.multivariateOption.set(a.key, ids[i]!));
    return new Map<ActionOf<"multivariateOption">, Secret[]>();
  },
};

/**
 * New options of existing features must fit every environment state of the feature as it is stored (each gets
 * them at their default allocation): MultivariateFeatureOptionSerializer._validate_environment_allocations refuses
 * an option that would take any environment state (every version's) over 100%. The files cannot see what the
 * dashboard set since, so this is checked here, before anything is written; one query, only when there are any.
 */
async function refuseOverAllocation(
  sql: Sql,
  added: DesiredMultivariateOption[],
  existing: Readonly<Existing>,
): Promise<void> {
  const byFeature = new Map<number, { add: number; last: DesiredMultivariateOption }>();
  for (const o of added) {
    const feature = existing.ids.feature.get(featureKey(o.project, o.feature));
    if (typeof feature !== "number") continue;
    byFeature.set(feature, { add: (byFeature.get(feature)?.add ?? 0) + o.defaultAllocation, last: o });
  }
  if (byFeature.size === 0) return;
  const features = [...byFeature].map(([f, { add }]) => ({ f, add }));
  const rows = await sql<{ f: number; environment: string; total: number }[]>`
    select distinct on (w.f) w.f, e.name as environment, coalesce(sum(mv.percentage_allocation), 0)::float8 as total
    from ${recordset(sql, features)} as w(f int, add float8)
    join features_featurestate fs on fs.feature_id = w.f and fs.identity_id is null and fs.feature_segment_id is null
      and fs.deleted_at is null
    join environments_environment e on e.id = fs.environment_id
    left join multivariate_multivariatefeaturestatevalue mv on mv.feature_state_id = fs.id
    group by w.f, w.add, fs.id, e.name
    having coalesce(sum(mv.percentage_allocation), 0) + w.add > 100
    order by w.f, coalesce(sum(mv.percentage_allocation), 0) desc, fs.id`;
  if (rows.length === 0) return;
  const issues: Issue[] = rows.map((r) => {
    const { add, last } = byFeature.get(r.f)!;
    return {
      rule: "over-allocated",
      message:
        `new multivariate options of feature "${last.feature}" (default allocation ${add}% in total) would take its ` +
        `state in environment "${r.environment}", which allocates ${r.total}% already, to ${r.total + add}%; ` +
        "at most 100% can be split between the variants",
      position: last.source,
      hint: "lower their default_percentage_allocation, or the environment's allocations in Flagsmith first",
    };
  });
  throw new UserError(issues);
}
