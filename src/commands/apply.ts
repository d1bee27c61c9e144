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
import { printReport, reportBeforeCommit, reportCommitted, type ReportOptions } from "../report/index.ts";
import { openSecretsFile } from "../report/secrets-file.ts";
import { formatUndeclared } from "../input/index.ts";
import { discoverSources } from "../input/discover.ts";
import type { Io } from "../io.ts";
import type { ApplyOptions } from "./options.ts";
import { deliverBeforeCommit, loadRun, provisionInTransaction, sourceFlags } from "../provision.ts";

/** The default command: sources → desired state → plan against the database → apply → report. */
export async function applyCommand(options: ApplyOptions, io: Io): Promise<void> {
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
    return printReport({ ...result, warnings: [...warnings.map(formatUndeclared), ...result.warnings] }, io, report);
  }
  // Statements are counted for the JSON report only, so a text run's connection is exactly as before.
  const counter = options.output === "json" ? { statements: 0 } : null;
  const stats = () =>
    counter && { stats: { statements: counter.statements, durationMs: Math.round(performance.now() - started) } };
  const secretsFile =
    options.secretsFile !== undefined && !options.dryRun ? openSecretsFile(options.secretsFile) : undefined;
  try {
    await provision(url, desired, { ...options, settings }, io, {
      counter,
      // A real run reports inside its transaction, before COMMIT (report.ts); a dry run after its rollback.
      beforeCommit: (result) =>
        reportBeforeCommit(result, io, { ...report, ...stats(), ...(secretsFile && { secretsFile }) }),
      afterCommit: (result) =>
        options.dryRun ? printReport(result, io, { ...report, ...stats() }) : reportCommitted(result, io, report),
    });
  } finally {
    secretsFile?.close();
  }
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

/** How a connected run is reported around its commit. */
interface RunHooks {
  counter: { statements: number } | null;
  beforeCommit(result: RunResult): void;
  afterCommit(result: RunResult): void;
}

/** One transaction under the advisory lock; a dry run executes the very same plan and rolls back. */
async function provision(
  url: string,
  desired: Desired,
  options: ApplyOptions & { settings: RunSettings },
  io: Io,
  hooks: RunHooks,
): Promise<void> {
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
          if (!options.dryRun) deliverBeforeCommit(() => hooks.beforeCommit(result));
          return result;
        },
        { rollback: options.dryRun },
      ),
    hooks.counter ? { onQuery: () => void hooks.counter!.statements++ } : {},
  );
  hooks.afterCommit(result);
}
