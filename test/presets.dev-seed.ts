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
  /**
   * Not a choice but a limit of the file format (PROVISIONING.md §1): it cannot store a condition directly in
   * a segment's top-level ALL rule, as the seed does for these two; it puts it in an ANY rule of its own (the
   * dashboard's shape), which matches the same identities. Drop an entry once the format can say it.
   */
  dashboardShapedSegments: ["Beta Testers", "50% Rollout"],
};

const PROJECT = "Acme, Inc. / AI Booster";

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
  for (const name of DEV_SEED_DIFFERENCES.dashboardShapedSegments) toDashboardShape(snapshot, `${PROJECT} / ${name}`);
  return snapshot;
}

/** ALL[c…] → ALL[ANY[c…]], in the three tables that hold it, written in fidelity.py's notation. */
function toDashboardShape(snapshot: Snapshot, segment: string): void {
  const [row] = snapshot.tables.segments_segment!.rows.filter((r) => `${PROJECT} / ${r.name}` === segment);
  const [top] = row?.rules_data ?? [];
  demand(
    top?.type === "ALL" && top.conditions.length > 0 && top.rules.length === 0,
    `${segment} has no conditions directly in its top-level ALL rule`,
  );
  row!.rules_data = [{ ...top, conditions: [], rules: [{ type: "ANY", rules: [], conditions: top.conditions }] }];

  const all = `segmentrule{segment=${segment}, type=ALL}`;
  const any = `segmentrule{rule=${all}, type=ANY}`;
  const rules = snapshot.tables.segments_segmentrule!;
  const [allRule] = rules.rows.filter((r) => r.segment_id === segment && r.type === "ALL");
  demand(allRule !== undefined, `${segment} has no top-level ALL rule`);
  rules.rows.push({ ...allRule, type: "ANY", rule_id: all, segment_id: null });
  rules.count += 1;

  const conditions = snapshot.tables.segments_condition!.rows.filter((c) => c.rule_id === all);
  demand(conditions.length === top.conditions.length, `${segment}'s conditions are not all in its ALL rule`);
  for (const condition of conditions) condition.rule_id = any;
}
