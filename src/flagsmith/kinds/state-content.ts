/**
 * What drift (contract §7) compares of a stored environment state or override: `enabled`, the typed value
 * (features_featurestatevalue) and the multivariate allocations, selected in the same query that finds it. In a v2
 * environment the states that count are those of the live version (the latest published version live from now or
 * earlier), as Flagsmith serves them; identity overrides are not versioned.
 */
import {
  optionValueKey,
  shownValue,
  type Allocations,
  type DesiredFeatureState,
  type FeatureStateValue,
} from "../../kinds/index.ts";
import type { Sql } from "../context.ts";

/** A stored typed value (features_featurestatevalue, or a multivariate option): its type and value columns. */
export interface ValueColumns {
  type: string | null;
  b: boolean | null;
  i: number | null;
  s: string | null;
}

/** What contentColumns selects. */
export interface ContentRow extends ValueColumns {
  /** null only when the override has no feature state (a broken row; then nothing is compared but its existence). */
  enabled: boolean | null;
  /** Percent by option (optionValueKey of the stored option). */
  allocations: Record<string, number>;
}

/** How a stored option `o`'s typed value reads as an optionValueKey. */
export const STORED_OPTION_KEY = `case o.type when 'int' then 'int:' || o.integer_value when 'bool' then 'bool:' || o.boolean_value
  else 'unicode:' || coalesce(o.string_value, '') end`;

/**
 * The columns of ContentRow for the state aliased `st`, its value row left-joined as `v`; the allocations as one
 * aggregate (no query per state), or none where nothing allocates (identity overrides).
 */
export const contentColumns = (sql: Sql, withAllocations = true) => sql`
  st.enabled, v.type, v.boolean_value as b, v.integer_value as i, v.string_value as s,
  ${
    withAllocations
      ? sql`(select coalesce(jsonb_object_agg(${sql.unsafe(STORED_OPTION_KEY)}, mv.percentage_allocation), '{}'::jsonb)
             from multivariate_multivariatefeaturestatevalue mv
             join multivariate_multivariatefeatureoption o on o.id = mv.multivariate_feature_option_id
             where mv.feature_state_id = st.id)`
      : sql`'{}'::jsonb`
  } as allocations`;

/**
 * The uuid of the live version of the probe's feature `w.f` in its environment `w.e`; NULL in a v1 environment
 * (versioning.ts publishes new ones the same way).
 */
export const liveVersion = (sql: Sql) => sql`(
  select ver.uuid from feature_versioning_environmentfeatureversion ver
  where ver.environment_id = w.e and ver.feature_id = w.f and ver.published_at is not null
    and ver.live_from <= now() and ver.deleted_at is null
  order by ver.live_from desc limit 1)`;

/**
 * The condition on a state `s` of the probe's feature and environment (`env` joined) that makes it live: in v2 it
 * belongs to the live version; in v1 it has a version and is live from now or earlier (FeatureStateManager
 * get_live_feature_states). Of several, the latest live_from, then the highest version, is the one served
 * (FeatureState.__gt__).
 */
export const isLiveState = (sql: Sql) => sql`
  case when env.use_v2_feature_versioning then s.environment_feature_version_id = ${liveVersion(sql)}
       else s.version is not null and s.live_from <= now() end`;

export const LIVE_ORDER = "s.live_from desc nulls last, s.version desc nulls last, s.id desc";

/** The stored value, typed as Flagsmith reads it: the column its type names; any other type reads string_value. */
export function storedValue(row: ValueColumns): FeatureStateValue {
  // Literals, not spreads: this runs once per stored state and override (tens of thousands per run).
  if (row.type === "int") return { type: "int", booleanValue: null, integerValue: row.i, stringValue: null };
  if (row.type === "bool") return { type: "bool", booleanValue: row.b, integerValue: null, stringValue: null };
  return { type: "unicode", booleanValue: null, integerValue: null, stringValue: row.s };
}

/** A typed value as raw text (what would be declared to get it, where text can say it); null for none. */
export function textOf(v: FeatureStateValue): string | null {
  const shown = shownValue(v);
  return shown === null ? null : String(shown);
}

/**
 * The stored allocations of the options the files declare for this state, keyed by their declared spellings
 * (`5` and "5" name one option); an option with no allocation stored is left out (compared as null).
 */
function storedAllocations(row: ContentRow, declared: Allocations): Allocations {
  const out: Allocations = {};
  for (const option of Object.keys(declared)) {
    const percent = row.allocations[optionValueKey(option)];
    if (percent !== undefined) out[option] = percent;
  }
  return out;
}

/** The content fields of a stored state in the desired shape, for the declared one with the same key. */
export function storedContent(
  row: ContentRow,
  declared: { multivariate?: DesiredFeatureState["multivariate"] },
): { enabled: boolean | undefined; value: string | null; storedValue: FeatureStateValue; multivariate: Allocations } {
  const value = storedValue(row);
  return {
    enabled: row.enabled ?? undefined,
    value: textOf(value),
    storedValue: value,
    multivariate: storedAllocations(row, declared.multivariate ?? {}),
  };
}
