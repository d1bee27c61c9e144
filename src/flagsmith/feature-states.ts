/**
 * Environment-default feature states, their values and multivariate allocations (WRITES.md §1.8), generated in the database
 * from (feature × environment) so 100k states never travel from the client: one read of the
 * distinct initial values (typed here, in values.ts, exactly as Python would) and one statement
 * that inserts the states and their values together.
 */
import type { Sql } from "./context.ts";
import { recordset } from "./sql/batch.ts";
import { featureStateValue } from "../kinds/values.ts";

/**
 * Which pairs get a state: every feature of the new environments' projects (environment side,
 * FeatureState.create_initial_feature_states_for_environment), or every environment of the new
 * features' projects (feature side, ..._for_feature). Non-deleted only; archived features included.
 */
export type FeatureStateScope = { environmentIds: number[] } | { featureIds: number[] };

/** Creates FS + FSV (+ the initial version for v2-versioned environments) for the scope; returns how many states. */
export async function createFeatureStates(sql: Sql, scope: FeatureStateScope): Promise<number> {
  const byEnvironment = "environmentIds" in scope;
  const ids = byEnvironment ? scope.environmentIds : scope.featureIds;
  if (ids.length === 0) return 0;
  const filter = byEnvironment ? sql`e.id = any(${ids}::int[])` : sql`f.id = any(${ids}::int[])`;
  // Flagsmith creates the states of one entity in id order of the other side; ids follow that order.
  const order = byEnvironment ? sql`environment_id, feature_id` : sql`feature_id, environment_id`;

  // The distinct initial values to type (a handful, however many states), and whether any target
  // environment uses versioning v2 (then each state needs its initial version row).
  const [info] = await sql<{ raws: string[]; v2: boolean }[]>`
    select coalesce(array_agg(distinct f.initial_value) filter (where f.initial_value is not null), '{}') as raws,
           coalesce(bool_or(e.use_v2_feature_versioning), false) as v2
    from features_feature f join environments_environment e on e.project_id = f.project_id
    where ${filter} and f.deleted_at is null and e.deleted_at is null`;
  const values = info!.raws.map((raw) => {
    const v = featureStateValue(raw);
    return { raw, type: v.type, b: v.booleanValue, i: v.integerValue, s: v.stringValue };
  });
  const versions = info!.v2
    ? sql`versions as (
        -- EnvironmentFeatureVersion.create_initial_version: only for environments on versioning v2.
        insert into feature_versioning_environmentfeatureversion
          (uuid, environment_id, feature_id, created_at, updated_at, published_at, live_from)
        select version_uuid, environment_id, feature_id, now(), now(), now(), now()
        from pairs where v2
      ),`
    : sql``;

  // State ids are drawn in the pairs' order, so states and values are inserted from the same rows
  // with no join between the two inserts (a join of two CTE scans is planned blind and can go
  // quadratic), and in id order without sorting again (a materialized CTE is read back in order).
  // No historical FS/FSV rows (cosmetic, §1.8): at 100k states they would double the hot path's writes.
  const [row] = await sql<{ states: number }[]>`
    with v as (
      select * from ${recordset(sql, values)} as v(raw text, type text, b boolean, i integer, s text)
    ),
    pairs as materialized (
      -- The sequence is looked up once (an InitPlan), not per row: pg_get_serial_sequence is only stable.
      select nextval((select pg_get_serial_sequence('public.features_featurestate', 'id'))::regclass)::int as id, t.*
      from (
        select e.id as environment_id, f.id as feature_id,
               -- _create_initial_feature_state: prevent_flag_defaults forces disabled and no value.
               f.default_enabled and not p.prevent_flag_defaults as enabled,
               coalesce(v.type, 'unicode') as type, v.b, v.i, v.s,
               e.use_v2_feature_versioning as v2,
               case when e.use_v2_feature_versioning then gen_random_uuid() end as version_uuid
        from environments_environment e
        join projects_project p on p.id = e.project_id
        join features_feature f on f.project_id = e.project_id
        left join v on v.raw = f.initial_value and not p.prevent_flag_defaults
        where ${filter} and f.deleted_at is null and e.deleted_at is null
        order by ${order}
      ) t
    ),
    ${versions}
    fs as (
      -- live_from = the transaction's now() (BEFORE_CREATE set_live_from on v1) so the state is served. A feature
      -- created in a v2 environment has none (its version decides); an environment started on v2 gets its states
      -- as Flagsmith makes them, created on v1 and then attached to versions by enable_v2_versioning.
      insert into features_featurestate
        (id, uuid, feature_id, environment_id, enabled, created_at, updated_at, live_from, version, environment_feature_version_id)
      select id, gen_random_uuid(), feature_id, environment_id, enabled, now(), now(),
             case when v2 and ${!byEnvironment} then null else now() end, 1, case when v2 then version_uuid end
      from pairs
    ),
    fsv as (
      insert into features_featurestatevalue (uuid, feature_state_id, type, boolean_value, integer_value, string_value)
      select gen_random_uuid(), id, type, b, i, s from pairs
    ),
    mv as (
      -- create_multivariate_feature_state_values: a new environment's state of a multivariate feature gets each
      -- option at its default allocation (a new feature has no options yet: they are added after it).
      insert into multivariate_multivariatefeaturestatevalue
        (uuid, feature_state_id, multivariate_feature_option_id, percentage_allocation)
      select gen_random_uuid(), p.id, o.id, o.default_percentage_allocation
      from pairs p join multivariate_multivariatefeatureoption o on o.feature_id = p.feature_id
      order by p.id, o.id
    )
    select count(*)::int as states from pairs`;
  return row?.states ?? 0;
}

/** One feature state to insert with its value: an override, or a clone into a new v2 version. */
export interface StateRow {
  feature_id: number;
  environment_id: number;
  identity_id: number | null;
  feature_segment_id: number | null;
  enabled: boolean;
  /** features_featurestate.version: 1, or NULL for a state cloned into a new v2 version. */
  version: number | null;
  /** set_live_from: version-1 states of a v1 environment are live from now; v2 states follow their version. */
  live: boolean;
  efv: string | null;
  salt: number | null;
  type: string;
  b: boolean | null;
  i: number | null;
  s: string | null;
}

/**
 * Inserts states and their values in one statement, ids drawn in the rows' order (the order Flagsmith's requests
 * would create them); returns the ids in that order.
 */
export async function insertStates(sql: Sql, rows: StateRow[], withSalt: boolean): Promise<number[]> {
  if (rows.length === 0) return [];
  const ordered = rows.map((r, ord) => ({ ...r, ord }));
  const salt = withSalt ? sql`, mv_hashing_salt` : sql``;
  const saltValue = withSalt ? sql`, salt` : sql``;
  const drawn = await sql<{ id: number; ord: number }[]>`
    with input as (
      select * from ${recordset(sql, ordered)} as r(feature_id int, environment_id int, identity_id int,
        feature_segment_id int, enabled boolean, version int, live boolean, efv uuid, salt int,
        type text, b boolean, i int, s text, ord int)
    ),
    rows as materialized (
      select nextval((select pg_get_serial_sequence('public.features_featurestate', 'id'))::regclass)::int as id, t.*
      from (select * from input order by ord) t
    ),
    fs as (
      insert into features_featurestate (id, uuid, feature_id, environment_id, identity_id, feature_segment_id, enabled,
        created_at, updated_at, live_from, version, environment_feature_version_id ${salt})
      select id, gen_random_uuid(), feature_id, environment_id, identity_id, feature_segment_id, enabled,
        now(), now(), case when live then now() end, version, efv ${saltValue}
      from rows
    ),
    fsv as (
      insert into features_featurestatevalue (uuid, feature_state_id, type, boolean_value, integer_value, string_value)
      select gen_random_uuid(), id, type, b, i, s from rows
    )
    select id, ord from rows`;
  const idOf = new Map(drawn.map((r) => [r.ord, r.id]));
  return rows.map((_, i) => idOf.get(i)!);
}
