import type { Plan } from "../kinds/plan.ts";
import type { Sql } from "./context.ts";

/**
 * Why: a run that follows right away (the next replica, a restart) would otherwise plan its reads
 * with "1 row" estimates for tables that now hold thousands, and pick nested loops that go quadratic
 * (seen: 300 ms for 1,000 features, seconds for 10,000), long before autovacuum's analyze comes round.
 * Done whenever project contents were created, so the statement count does not depend on the size.
 */
const CONTENT_KINDS = new Set(["environment", "feature", "segment", "identity"]);

/** The tables a large run fills. ANALYZE is transactional and lock-light; without ownership it only warns. */
const TABLES = [
  "environments_environment",
  "features_feature",
  "features_featurestate",
  "features_featurestatevalue",
  "segments_segment",
  "segments_segmentrule",
  "segments_condition",
  "environments_identity",
];

/**
 * Refreshes the planner's statistics after a run that created project contents (one statement), so the reads of the
 * next run stay linear.
 */
export async function refreshStatistics(sql: Sql, plan: Plan): Promise<void> {
  if (!plan.actions.some((a) => a.op === "create" && CONTENT_KINDS.has(a.kind))) return;
  await sql.unsafe(`analyze ${TABLES.map((t) => `public.${t}`).join(", ")}`);
}
