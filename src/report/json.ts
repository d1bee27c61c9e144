import { type RunResult, type Secret, isReported } from "../kinds/plan.ts";
import { labelOf } from "./labels.ts";
import { summarise } from "./text.ts";

/** The `--output json` document: every action, every secret (none in a dry run), counts and warnings. */
export interface JsonReport {
  dryRun: boolean;
  offline: boolean;
  summary: { created: number; skipped: number; differ: number };
  actions: Array<{ kind: string; op: string; reported: boolean } & Record<string, unknown>>;
  /** Each secret with what it belongs to: `{ kind: "masterApiKey", key, for: { kind, name, organisation } }`. */
  secrets: Array<Secret & { for: { kind: string } & Record<string, unknown> }>;
  warnings: string[];
  /** Present when the run talked to a database: statements sent and wall time (for benchmarks and scripts). */
  stats?: RunStats;
}

/**
 * How much a run cost: statements sent to the database (begin/commit included) and milliseconds from start to report.
 */
export interface RunStats {
  statements: number;
  durationMs: number;
}

/** Builds the single JSON document `--output json` prints. */
export function jsonReport(result: RunResult, warnings: string[], stats?: RunStats): JsonReport {
  const actions: JsonReport["actions"] = [];
  const secrets: JsonReport["secrets"] = [];
  for (const { action, secrets: produced } of result.outcomes) {
    const fields = labelOf(action).fields;
    // `reason` only where a skip is not "already exists" (a revoked master API key), so other actions read as before.
    actions.push({
      kind: action.kind,
      op: action.op,
      reported: isReported(action),
      ...fields,
      ...(action.reason && { reason: action.reason }),
      ...(action.drift && { drift: action.drift }),
    });
    if (result.dryRun) continue;
    for (const secret of produced) {
      secrets.push({ ...secret, for: { kind: action.kind, ...fields } });
    }
  }
  const doc: JsonReport = {
    dryRun: result.dryRun,
    offline: result.offline,
    summary: summarise(result),
    actions,
    secrets,
    warnings,
  };
  return stats ? { ...doc, stats } : doc;
}
