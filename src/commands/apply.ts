import { waitForDatabase } from "../db/wait.ts";
import { resolveDatabaseUrl, withDatabase } from "../db/connect.ts";
import { withTransaction } from "../db/transaction.ts";
import { ExitCode, UserError } from "../errors.ts";
import { checkReadiness } from "../flagsmith/compat.ts";
import { beginMasterKeyHashes } from "../flagsmith/hashes.ts";
import type { RunSettings } from "../flagsmith/context.ts";
import type { RunResult } from "../kinds/plan.ts";
import { diffState } from "../plan/diff.ts";
import { emptyExisting, type Desired } from "../kinds/index.ts";
import { printReport, type ReportOptions } from "../report/index.ts";
import { openRunReport, type RunReport } from "../report/run.ts";
import { formatUndeclared } from "../input/index.ts";
import { discoverSources } from "../input/discover.ts";
import type { Io } from "../io.ts";
import type { ApplyOptions } from "./options.ts";
import { loadRun, provisionInTransaction, sourceFlags } from "../provision.ts";

/**
 * The default command: sources → desired state → plan against the database → apply → report. Returns the exit
 * code: 0, or with --detailed-exitcode 4 (something created) or 5 (only drift).
 */
export async function applyCommand(options: ApplyOptions, io: Io): Promise<number> {
  const started = performance.now();
  const sources = discoverSources({ ...sourceFlags(options), env: io.env, cwd: io.cwd });
  const url = resolveDatabaseUrl({ databaseUrl: options.databaseUrl, env: io.env });
  // Connected, permission keys and lengths are checked against the database's own instead of Flagsmith's defaults.
  // A bad FLAGSMITH_DOMAIN is reported with the files' problems, before anything waits or connects.
  const { desired, warnings, settings } = loadRun(
    sources,
    io.env,
    url === null ? {} : { permissionKeys: null, lengths: null },
  );
  // Without the flag, an environment's key is printed only where its file asks (`show_key`, as the fof preset does).
  const report: ReportOptions = { output: options.output, showEnvironmentKeys: options.showEnvironmentKeys };
  if (url === null) {
    const result = planOffline(desired, options, io);
    // The loader's warnings say which references are assumed to exist; connected, the diff checks them for real.
    printReport({ ...result, warnings: [...warnings.map(formatUndeclared), ...result.warnings] }, io, report);
    return exitCodeOf(result, options);
  }
  // Statements are counted for the JSON report only, so a text run's connection is exactly as before.
  const counter = options.output === "json" ? { statements: 0 } : null;
  const runReport = openRunReport(io, {
    ...report,
    dryRun: options.dryRun,
    ...(options.secretsFile !== undefined && { secretsFile: options.secretsFile }),
    stats: () => counter && { statements: counter.statements, durationMs: Math.round(performance.now() - started) },
  });
  try {
    return exitCodeOf(
      await provision(url, desired, { ...options, settings }, io, { counter, report: runReport }),
      options,
    );
  } finally {
    runReport.close();
  }
}

/** --detailed-exitcode (contract §7): 4 when anything is created, else 5 when anything differs, else 0. */
export function exitCodeOf(result: RunResult, options: Pick<ApplyOptions, "detailedExitcode">): number {
  if (!options.detailedExitcode) return ExitCode.ok;
  const actions = result.outcomes.map((o) => o.action);
  if (actions.some((a) => a.op === "create")) return ExitCode.created;
  return actions.some((a) => a.drift) ? ExitCode.drift : ExitCode.ok;
}

/** No database: a dry run plans against an empty instance; a real run cannot proceed. */
function planOffline(desired: Desired, options: ApplyOptions, io: Io): RunResult {
  if (!options.dryRun) {
    throw new UserError(
      [
        {
          rule: "no-database",
          message: "no database configured: set DATABASE_URL or DJANGO_DB_* or pass --database-url (or use --dry-run)",
          hint: "the DJANGO_DB_* variables are DJANGO_DB_HOST, DJANGO_DB_PORT, DJANGO_DB_NAME, DJANGO_DB_USER and DJANGO_DB_PASSWORD, as Flagsmith reads them",
        },
      ],
      ExitCode.runtime,
    );
  }
  io.err("No database configured: planning against an empty instance.");
  const plan = diffState(desired, emptyExisting(false));
  return {
    dryRun: true,
    offline: true,
    outcomes: plan.actions.map((action) => ({ action, secrets: [] })),
    warnings: [],
  };
}

/** One transaction under the advisory lock; a dry run executes the very same plan and rolls back. */
async function provision(
  url: string,
  desired: Desired,
  options: ApplyOptions & { settings: RunSettings },
  io: Io,
  hooks: { counter: { statements: number } | null; report: RunReport },
): Promise<RunResult> {
  // Before connecting (and waiting), so a master key's hash overlaps everything up to its insert.
  const earlyMasterKeys = beginMasterKeyHashes(desired.masterApiKeys);
  if (options.wait !== undefined)
    await waitForDatabase(url, options.wait, (line: string) => io.err(line), checkReadiness);
  const { settings } = options;
  const result = await withDatabase(
    url,
    (sql) =>
      withTransaction(
        sql,
        async (tx) => {
          const result = await provisionInTransaction(tx, desired, {
            dryRun: options.dryRun,
            settings,
            earlyMasterKeys,
          });
          hooks.report.beforeCommit(result);
          return result;
        },
        { rollback: options.dryRun },
      ),
    hooks.counter ? { onQuery: () => void hooks.counter!.statements++ } : {},
  );
  hooks.report.afterCommit(result);
  return result;
}
