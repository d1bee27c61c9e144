import { resolveDatabaseUrl, withDatabase } from "../db/connect.ts";
import { withTransaction } from "../db/transaction.ts";
import { waitForDatabase } from "../db/wait.ts";
import { ExitCode, UserError } from "../errors.ts";
import { applyPlan, readExisting } from "../flagsmith/apply.ts";
import { checkCompatibility, checkLengths } from "../flagsmith/compat.ts";
import type { Sql } from "../flagsmith/context.ts";
import { resetDeclared, type ResetResult } from "../flagsmith/reset.ts";
import type { RunResult } from "../plan/actions.ts";
import { diffState } from "../plan/diff.ts";
import { printReport } from "../report.ts";
import type { Desired } from "../spec/desired.ts";
import { checkPermissionKeys, loadDesired } from "../spec/index.ts";
import { discoverSources } from "../spec/sources.ts";
import type { Env } from "../spec/source.ts";
import { sourceFlags } from "./apply.ts";
import type { Io } from "./io.ts";
import type { ApplyOptions } from "./options.ts";

/**
 * `reset --yes [sources]`: in one transaction (under the run lock), delete every organisation and
 * user the sources declare with everything that belongs to them, then provision the sources as
 * `apply` does. A failure anywhere rolls back both, so the database is never left half reset.
 * `--dry-run` does all of it and rolls back.
 */
export async function resetCommand(options: ApplyOptions, yes: boolean, io: Io): Promise<void> {
  if (!yes) {
    throw new UserError([
      {
        rule: "reset-needs-yes",
        message: "reset deletes every organisation and user declared in the sources, with everything that belongs to them; re-run with --yes",
        hint: "reset is meant for development and e2e databases; `apply` (the default command) never deletes anything",
      },
    ]);
  }
  const sources = discoverSources({ ...sourceFlags(options), env: io.env, cwd: io.cwd });
  const url = resolveDatabaseUrl({ databaseUrl: options.databaseUrl, env: io.env });
  if (url === null) {
    throw new UserError(
      [{ rule: "no-database", message: "reset needs a database: set DATABASE_URL or DJANGO_DB_* or pass --database-url" }],
      ExitCode.runtime,
    );
  }
  const { desired, warnings } = loadDesired(sources, io.env, { permissionKeys: null });
  if (options.wait !== undefined) await waitForDatabase(url, options.wait, (line: string) => io.err(line));
  const { result, reset } = await withDatabase(url, (sql) =>
    withTransaction(sql, (tx) => resetAndProvision(tx, desired, options, io.env), { rollback: options.dryRun }),
  );
  io.err(describeReset(reset, options.dryRun));
  printReport({ ...result, warnings: [...warnings, ...result.warnings] }, io, {
    output: options.output,
    // As for apply: the fof preset exists to print its environment key (contract §4).
    showEnvironmentKeys: options.showEnvironmentKeys || options.preset === "fof",
  });
}

/** The declared organisations and users: what a reset deletes (references to others are left alone). */
export function resetTargets(desired: Desired): { organisations: string[]; emails: string[] } {
  return { organisations: desired.organisations.map((o) => o.name), emails: desired.users.map((u) => u.email) };
}

/**
 * Inside the caller's transaction: refuse an unsupported database before deleting anything, reset,
 * then read, plan and apply exactly as `apply` does (the plan now creates every declared entity).
 */
export async function resetAndProvision(tx: Sql, desired: Desired, options: ApplyOptions, env: Env): Promise<{ result: RunResult; reset: ResetResult }> {
  const compat = await checkCompatibility(tx);
  const issues = [...checkLengths(desired, compat), ...checkPermissionKeys(desired, compat.permissionKeys)];
  if (issues.length) throw new UserError(issues);
  const reset = await resetDeclared(tx, resetTargets(desired));
  const existing = await readExisting(tx, desired);
  const plan = diffState(desired, existing);
  const settings = { djangoSecretKey: env.DJANGO_SECRET_KEY || null, flagsmithDomain: env.FLAGSMITH_DOMAIN || null };
  const applied = await applyPlan(tx, plan, existing, settings);
  // A dry run rolls back: its secrets would not work, so they are never shown (as for apply).
  const outcomes = options.dryRun ? applied.outcomes.map((o) => ({ ...o, secrets: [] })) : applied.outcomes;
  return { reset, result: { dryRun: options.dryRun, offline: false, outcomes, warnings: applied.warnings } };
}

/** One stderr line: what the reset removed (stdout stays the provisioning report, as for apply). */
export function describeReset(reset: ResetResult, dryRun: boolean): string {
  const count = (table: string) => reset.deleted[table] ?? 0;
  const total = Object.values(reset.deleted).reduce((a, b) => a + b, 0);
  const cleared = Object.values(reset.nulled).reduce((a, b) => a + b, 0);
  const verb = dryRun ? "Would reset" : "Reset";
  const others = total - count("organisations_organisation") - count("users_ffadminuser");
  const references = cleared ? `; cleared ${plural(cleared, "reference")} to them from other rows` : "";
  return `${verb}: deleted ${plural(count("organisations_organisation"), "organisation")}, ${plural(count("users_ffadminuser"), "user")} and ${plural(others, "row")} that belonged to them${references}.`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
