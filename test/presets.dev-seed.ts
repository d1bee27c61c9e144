/**
 * How the dev preset may differ from Flagsmith's local reset seed (../shared/flagsmith/reference/README.md
 * "dev-seed"); everything else must be row-identical. The differences are applied to the reference snapshot
 * before the comparison, so fidelity.py's diff is empty, or shows exactly what is wrong. Each one checks that
 * the reference really holds what it replaces: the list names nothing that is not a difference.
 */
export const DEV_SEED_DIFFERENCES = {
  /**
   * The one deliberate exception: four settings the seed's form-encoded requests turned false keep
   * Flagsmith's defaults (true). `use_mv_v2_evaluation` is the column of `use_identity_composite_key_for_hashing`.
   */
  keptDefaults: {
    environments_environment: ["allow_client_traits", "use_mv_v2_evaluation", "use_identity_overrides_in_local_eval"],
    projects_project: ["only_allow_lower_case_feature_names"],
  } as Record<string, string[]>,
  /**
   * API-only extras (Flagsmith's REST API writes them, a provisioner does not): the audit log. The other
   * ones need no entry here. The history rows with their `history_user_id` are not compared
   * (`--ignore-historical`); neither are the environments' `updated_at` (a normalized timestamp) and the
   * `authtoken_token` row (an excluded table). The user's admin permissions on the project and its
   * environments and its ownership of every feature are declared by the preset, so they must match.
   */
  apiOnlyTables: ["audit_auditlog"],
};

interface Table {
  count: number;
  key: string[];
  rows: Record<string, any>[];
}
interface Snapshot {
  tables: Record<string, Table>;
}

function demand(condition: boolean, what: string): void {
  if (!condition) throw new Error(`dev-seed reference: ${what}`);
}

/** The reference snapshot with DEV_SEED_DIFFERENCES applied (a new object; the input is left alone). */
export function devSeedAsProvisioned(reference: Snapshot): Snapshot {
  const snapshot: Snapshot = structuredClone(reference);
  for (const [table, columns] of Object.entries(DEV_SEED_DIFFERENCES.keptDefaults)) {
    demand(snapshot.tables[table]!.rows.length > 0, `no ${table} rows`);
    for (const row of snapshot.tables[table]!.rows)
      for (const column of columns) {
        demand(row[column] === false, `${table} ${row.name}: ${column} is ${row[column]}, not false`);
        row[column] = true;
      }
  }
  for (const table of DEV_SEED_DIFFERENCES.apiOnlyTables) {
    demand(snapshot.tables[table]!.count > 0, `no ${table} rows`);
    snapshot.tables[table] = { ...snapshot.tables[table]!, count: 0, rows: [] };
  }
  return snapshot;
}
