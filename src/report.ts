import type { RunResult } from "./plan/actions.ts";
import type { Io } from "./commands/io.ts";
import { jsonReport, type RunStats } from "./report/json.ts";
import { textReport } from "./report/text.ts";

/** How a run is reported. */
export interface ReportOptions {
  output: "text" | "json";
  showEnvironmentKeys: boolean;
  /** Only the JSON document shows them. */
  stats?: RunStats;
}

/**
 * Prints a run: warnings on stderr (always), then either the text lines or one JSON document on
 * stdout. The only place secrets are written anywhere.
 */
export function printReport(result: RunResult, io: Io, options: ReportOptions): void {
  const warnings = [...new Set(result.warnings)];
  for (const warning of warnings) io.err(`warning: ${warning}`);
  if (options.output === "json") {
    io.out(JSON.stringify(jsonReport(result, warnings, options.stats), null, 2));
    return;
  }
  for (const line of textReport(result, { showEnvironmentKeys: options.showEnvironmentKeys, color: io.color })) io.out(line);
}
