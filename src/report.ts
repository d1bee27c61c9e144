import type { RunResult } from "./plan/actions.ts";
import type { Io } from "./commands/io.ts";
import { jsonReport } from "./report/json.ts";
import { textReport } from "./report/text.ts";

/** How a run is reported. */
export interface ReportOptions {
  output: "text" | "json";
  showEnvironmentKeys: boolean;
}

/**
 * Prints a run: warnings on stderr (always), then either the text lines or one JSON document on
 * stdout. The only place secrets are written anywhere.
 */
export function printReport(result: RunResult, io: Io, options: ReportOptions): void {
  const warnings = [...new Set(result.warnings)];
  for (const warning of warnings) io.err(`warning: ${warning}`);
  if (options.output === "json") {
    io.out(JSON.stringify(jsonReport(result, warnings), null, 2));
    return;
  }
  for (const line of textReport(result, { showEnvironmentKeys: options.showEnvironmentKeys, color: io.color })) io.out(line);
}
