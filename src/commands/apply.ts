import { waitForDatabase } from "../db/wait.ts";
import { resolveDatabaseUrl, withDatabase } from "../db/connect.ts";
import { withTransaction } from "../db/transaction.ts";
import { ExitCode, fail, UserError } from "../errors.ts";
import { applyPlan, readExisting } from "../flagsmith/apply.ts";
import { checkCompatibility, refuseUnfitInput } from "../flagsmith/compat.ts";
import { beginMasterKeyHashes, type EarlyMasterKeys } from "../flagsmith/hashes.ts";
import type { RunSettings, Sql } from "../flagsmith/context.ts";
import type { RunResult } from "../plan/actions.ts";
import { diffState } from "../plan/diff.ts";
import { emptyExisting } from "../plan/existing.ts";
import { printReport } from "../report.ts";
import type { Desired } from "../spec/desired.ts";
import { HOST_AND_PORT_EXAMPLE, HOST_AND_PORT_HINT, isHostAndPort } from "../spec/host.ts";
import { formatUndeclared, loadDesired } from "../spec/index.ts";
import { discoverSources } from "../spec/sources.ts";
import type { Env } from "../spec/source.ts";
import type { Io } from "./io.ts";
import type { ApplyOptions } from "./options.ts";

/** Presets whose environment keys are the point of running them (contract §4): always printed. */
const PRESETS_SHOWING_KEYS = new Set(["fof"]);

/** The default command: sources → desired state → plan against the database → apply → report. */
export async function applyCommand(options: ApplyOptions, io: Io): Promise<void> {
  const started = performance.now();
  const sources = discoverSources({ ...sourceFlags(options), env: io.env, cwd: io.cwd });
  const url = resolveDatabaseUrl({ databaseUrl: options.databaseUrl, env: io.env });
  // Connected, permission keys are checked against the database's own table instead of Flagsmith's defaults.
  const { desired, warnings } = loadDesired(sources, io.env, url === null ? {} : { permissionKeys: null });
  // Statements are counted for the JSON report only, so a text run's connection is exactly as before.
  const counter = url !== null && options.output === "json" ? { statements: 0 } : null;
  const result = url === null ? planOffline(desired, options, io) : await provision(url, desired, options, io, counter);
  // The loader's warnings say which references are assumed to exist; connected, the diff checks them for real.
  printReport({ ...result, warnings: url === null ? [...warnings.map(formatUndeclared), ...result.warnings] : result.warnings }, io, {
    output: options.output,
    showEnvironmentKeys: showsEnvironmentKeys(options),
    ...(counter && { stats: { statements: counter.statements, durationMs: Math.round(performance.now() - started) } }),
  });
}

/** The source flags in the shape discoverSources takes. */
export function sourceFlags(options: ApplyOptions | { files: string[]; directory?: string; preset?: string }) {
  return {
    files: options.files,
    ...(options.directory !== undefined && { directory: options.directory }),
    ...(options.preset !== undefined && { preset: options.preset }),
  };
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
  return { dryRun: true, offline: true, outcomes: plan.actions.map((action) => ({ action, secrets: [] })), warnings: [] };
}

/** One transaction under the advisory lock; a dry run executes the very same plan and rolls back. */
async function provision(
  url: string,
  desired: Desired,
  options: ApplyOptions,
  io: Io,
  counter: { statements: number } | null,
): Promise<RunResult> {
  // Before connecting (and waiting), so a master key's hash overlaps everything up to its insert.
  const earlyMasterKeys = beginMasterKeyHashes(desired.masterApiKeys);
  if (options.wait !== undefined) await waitForDatabase(url, options.wait, (line: string) => io.err(line));
  const settings = runSettings(io.env);
  return withDatabase(
    url,
    (sql) =>
      withTransaction(sql, (tx) => provisionInTransaction(tx, desired, { dryRun: options.dryRun, settings, earlyMasterKeys }), {
        rollback: options.dryRun,
      }),
    counter ? { onQuery: () => void counter.statements++ } : {},
  );
}

/**
 * Inside the caller's transaction: refuse an unsupported database or input it cannot hold, run
 * `prepare` (reset deletes there), then read, plan and apply. A dry run's secrets would not work
 * after the rollback, so they are never returned.
 */
export async function provisionInTransaction(
  tx: Sql,
  desired: Desired,
  options: { dryRun: boolean; settings: RunSettings; prepare?: (tx: Sql) => Promise<void>; earlyMasterKeys?: EarlyMasterKeys },
): Promise<RunResult> {
  const compat = await checkCompatibility(tx);
  refuseUnfitInput(desired, compat);
  await options.prepare?.(tx);
  const existing = await readExisting(tx, desired);
  const plan = diffState(desired, existing);
  const applied = await applyPlan(tx, plan, existing, {
    settings: options.settings,
    present: compat.present,
    ...(options.earlyMasterKeys && { earlyMasterKeys: options.earlyMasterKeys }),
  });
  const outcomes = options.dryRun ? applied.outcomes.map((o) => ({ ...o, secrets: [] })) : applied.outcomes;
  return { dryRun: options.dryRun, offline: false, outcomes, warnings: applied.warnings };
}

/** Environment keys are printed for the fof preset (its point, contract §4) and with --show-environment-keys. */
export function showsEnvironmentKeys(options: ApplyOptions): boolean {
  return options.showEnvironmentKeys || PRESETS_SHOWING_KEYS.has(options.preset ?? "");
}

/**
 * Settings from the environment; an empty variable counts as unset (compose files often pass `FOO=`).
 * FLAGSMITH_DOMAIN becomes the site domain links are made of, so it must be a host[:port] like app_domain.
 */
export function runSettings(env: Env): RunSettings {
  const domain = env.FLAGSMITH_DOMAIN || null;
  if (domain !== null && !isHostAndPort(domain)) {
    fail({ rule: "bad-domain", message: `FLAGSMITH_DOMAIN must be ${HOST_AND_PORT_EXAMPLE}, got ${JSON.stringify(domain)}`, hint: HOST_AND_PORT_HINT });
  }
  return { djangoSecretKey: env.DJANGO_SECRET_KEY || null, flagsmithDomain: domain };
}
