/**
 * How a connected run is reported around its commit, the same for `apply` and `reset`: a real run's report (and
 * its secrets, also into `--secrets-file`) goes out before COMMIT and its summary after; a dry run prints its
 * whole report after the rollback.
 */
import { ExitCode, UserError } from "../errors.ts";
import { isOutputClosed, type Io } from "../io.ts";
import type { RunResult } from "../kinds/plan.ts";
import { printReport, reportBeforeCommit, reportCommitted, type ReportOptions } from "./index.ts";
import type { RunStats } from "./json.ts";
import { openSecretsFile } from "./secrets-file.ts";

/** The report of one connected run; `close` when the run is over, whatever happened. */
export interface RunReport {
  /** Inside the transaction, just before COMMIT (a real run only). */
  beforeCommit(result: RunResult): void;
  /** After COMMIT, or after a dry run's rollback. */
  afterCommit(result: RunResult): void;
  close(): void;
}

/** Opens the secrets file (a real run with `--secrets-file`) and returns the report's two halves. */
export function openRunReport(
  io: Io,
  options: Omit<ReportOptions, "stats"> & { dryRun: boolean; secretsFile?: string; stats?: () => RunStats | null },
): RunReport {
  const { dryRun, secretsFile: path, stats, ...report } = options;
  const secretsFile = path !== undefined && !dryRun ? openSecretsFile(path) : undefined;
  const withStats = (): ReportOptions => {
    const measured = stats?.();
    return measured ? { ...report, stats: measured } : report;
  };
  return {
    beforeCommit(result) {
      if (dryRun) return;
      try {
        reportBeforeCommit(result, io, { ...withStats(), ...(secretsFile && { secretsFile }) });
      } catch (error) {
        // The reader of stdout has gone: a secret could be lost, so fail (the transaction rolls back) instead.
        if (!isOutputClosed(error)) throw error;
        throw new UserError(
          [
            {
              rule: "output-closed",
              message:
                "stdout was closed before the report was written, so nothing was committed (a secret printed there would have been lost)",
              hint: "keep stdout open until the run ends, or redirect it to a file; --secrets-file PATH keeps the secrets as well",
            },
          ],
          ExitCode.runtime,
        );
      }
    },
    afterCommit(result) {
      if (dryRun) printReport(result, io, withStats());
      else reportCommitted(result, io, report);
    },
    close: () => secretsFile?.close(),
  };
}
