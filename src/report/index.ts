import type { RunResult } from "../kinds/plan.ts";
import type { Io } from "../io.ts";
import { jsonReport, type RunStats } from "./json.ts";
import { entityLines, summaryLine } from "./text.ts";
import type { SecretsFile } from "./secrets-file.ts";

/** How a run is reported. */
export interface ReportOptions {
  output: "text" | "json";
  showEnvironmentKeys: boolean;
  /** Only the JSON document shows them. */
  stats?: RunStats;
}

/**
 * Prints a run that commits nothing (dry run, offline plan): warnings on stderr (always), then either
 * the text lines or one JSON document on stdout.
 */
export function printReport(result: RunResult, io: Io, options: ReportOptions): void {
  printWarnings(result, io);
  if (options.output === "json") return printJson(result, io, options);
  for (const line of entityLines(result, { showEnvironmentKeys: options.showEnvironmentKeys, color: io.color }))
    io.out(line);
  io.out(summaryLine(result, io.color));
}

/**
 * Everything of a real run's report but its summary, printed inside the transaction before COMMIT, so
 * that no committed secret can be lost to a kill or a closed pipe: the secrets are in the secrets file
 * (written and fsynced) and on stdout (written synchronously) before the commit is sent. Together with
 * `reportCommitted` the only place secrets are written anywhere.
 */
export function reportBeforeCommit(
  result: RunResult,
  io: Io,
  options: ReportOptions & { secretsFile?: SecretsFile },
): void {
  options.secretsFile?.write(result);
  printWarnings(result, io);
  if (options.output === "json") return printJson(result, io, options);
  for (const line of entityLines(result, { showEnvironmentKeys: options.showEnvironmentKeys, color: io.color }))
    io.out(line);
}

/** After COMMIT: the summary line, which is therefore only ever printed for a committed run. */
export function reportCommitted(result: RunResult, io: Io, options: ReportOptions): void {
  if (options.output === "text") io.out(summaryLine(result, io.color));
}

function printWarnings(result: RunResult, io: Io): void {
  for (const warning of new Set(result.warnings)) io.err(`warning: ${warning}`);
}

function printJson(result: RunResult, io: Io, options: ReportOptions): void {
  io.out(JSON.stringify(jsonReport(result, [...new Set(result.warnings)], options.stats), null, 2));
}
