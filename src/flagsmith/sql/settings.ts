/**
 * The settings columns a writer (projects_project, environments_environment) takes from the files: each with its
 * SQL type and the model's default, which a new row gets where the files leave the setting out. The export reads
 * the same defaults (export/settings.ts: only a setting that differs from its default is written to a file).
 */
import type { Sql } from "../context.ts";

export interface SettingColumn {
  readonly type: string;
  readonly default: unknown;
}

/**
 * The setting columns of the row aliased `alias` as one JSON object (what drift compares): only those this
 * database has, as older schemas lack some.
 */
export const settingsObject = (sql: Sql, alias: string, settings: object) => sql`
  (select jsonb_object_agg(s.key, s.value) from jsonb_each(to_jsonb(${sql.unsafe(alias)})) s
   where s.key = any(${Object.keys(settings)}::text[]))`;

/** The SQL type of each column, for insertBatch. */
export function settingTypes(settings: ReadonlyArray<readonly [string, SettingColumn]>): Record<string, string> {
  return Object.fromEntries(settings.map(([column, s]) => [column, s.type]));
}

/** What a new row writes in each column: the setting the files declare, or the model's default. */
export function settingValues(
  settings: ReadonlyArray<readonly [string, SettingColumn]>,
  declared: object,
): Record<string, unknown> {
  const given = declared as Record<string, unknown>;
  return Object.fromEntries(settings.map(([column, s]) => [column, given[column] ?? s.default]));
}
