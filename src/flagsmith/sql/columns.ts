import { WRITTEN_COLUMNS } from "./written-columns.ts";

export { WRITTEN_COLUMNS };

/** "table.column" of written columns that older supported schemas (v2.203.0) lack: write them only when present. */
export const optionalColumns: ReadonlySet<string> = new Set([
  "projects_project.enforce_feature_owners",
  "features_featurestate.mv_hashing_salt",
  "environments_identity.system_traits",
  "segments_segment.managed_by",
  "segments_segment.rules_data",
  "segments_historicalsegment.managed_by",
  "segments_historicalsegment.rules_data",
]);

/** Columns we read but never write (idempotency lookups and compat), per table; checked to exist like written ones. */
export const READ_COLUMNS: Record<string, readonly string[]> = {
  users_ffadminuser: ["id"],
  organisations_organisation: ["id", "deleted_at"],
  organisations_subscription: ["deleted_at"],
  api_keys_masterapikey: ["deleted_at"],
  projects_project: ["id", "deleted_at"],
  environments_environment: ["id", "deleted_at"],
  environments_identity: ["id"],
  features_feature: ["id", "deleted_at"],
  features_featurestate: ["id", "deleted_at"],
  segments_segment: ["id", "deleted_at"],
  segments_segmentrule: ["id"],
  users_userpermissiongroup: ["id"],
  projects_userprojectpermission: ["id"],
  environments_userenvironmentpermission: ["id"],
  organisation_permissions_userorganisationpermission: ["id"],
  permissions_permissionmodel: ["key", "type"],
  django_migrations: ["app", "name"],
};

/** The columns to insert into `table` on this database: the written ones, minus optional columns it lacks. */
export function columnsFor(table: string, present: ReadonlySet<string>): string[] {
  const columns = WRITTEN_COLUMNS[table];
  if (!columns) throw new Error(`columnsFor: ${table} is not a table we write (add it to WRITTEN_COLUMNS)`);
  return columns.filter((c) => !optionalColumns.has(`${table}.${c}`) || present.has(`${table}.${c}`));
}
