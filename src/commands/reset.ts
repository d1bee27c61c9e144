import { resolveDatabaseUrl, withDatabase } from "../db/connect.ts";
import { withTransaction } from "../db/transaction.ts";
import { waitForDatabase } from "../db/wait.ts";
import { ExitCode, UserError } from "../errors.ts";
import type { Sql, RunSettings } from "../flagsmith/context.ts";
import { resetDeclared, type ResetResult, type ResetTargets } from "../flagsmith/reset.ts";
import type { RunResult } from "../kinds/plan.ts";
import { checkReadiness } from "../flagsmith/compat.ts";
import type { Desired } from "../kinds/index.ts";
import { discoverSources, sourceOrigin, type SourceOptions } from "../input/discover.ts";
import type { ApplyOptions } from "./options.ts";
import type { Io } from "../io.ts";
import { exitCodeOf } from "./apply.ts";
import { openRunReport } from "../report/run.ts";
import { loadRun, provisionInTransaction, sourceFlags } from "../provision.ts";

/**
 * `reset --yes [sources]`: in one transaction (under the run lock), delete every organisation and
 * user the sources declare with everything that belongs to them, then provision the sources as
 * `apply` does. A failure anywhere rolls back both, so the database is never left half reset; a
 * declared user who also belongs to an organisation the sources do not declare is refused (exit 2).
 * `--dry-run` does all of it and rolls back.
 */
export async function resetCommand(options: ResetOptions, yes: boolean, io: Io): Promise<number> {
  if (!yes) {
    throw new UserError([
      {
        rule: "reset-needs-yes",
        message:
          "reset deletes every organisation and user declared in the sources, with everything that belongs to them; re-run with --yes",
        hint: "reset is meant for development and e2e databases; `apply` (the default command) never deletes anything",
      },
    ]);
  }
  const where: SourceOptions = { ...sourceFlags(options), env: io.env, cwd: io.cwd };
  const sources = discoverSources(where);
  // Without source options, what gets deleted depends on the environment and the working directory: say which.
  const announced = announceDefaultSource(where);
  if (announced) io.err(announced);
  const url = resolveDatabaseUrl({ databaseUrl: options.databaseUrl, env: io.env });
  if (url === null) {
    throw new UserError(
      [
        {
          rule: "no-database",
          message: "reset needs a database: set DATABASE_URL or DJANGO_DB_* or pass --database-url",
        },
      ],
      ExitCode.runtime,
    );
  }
  // Connected: references are checked against the database, so the loader's "assumed to exist" warnings are moot.
  // A bad FLAGSMITH_DOMAIN is refused with the files' problems, before anything is deleted or waited for.
  const { desired, settings } = loadRun(sources, io.env, { permissionKeys: null, lengths: null });
  if (options.wait !== undefined)
    await waitForDatabase(url, options.wait, (line: string) => io.err(line), checkReadiness);
  const report = openRunReport(io, {
    output: options.output,
    showEnvironmentKeys: options.showEnvironmentKeys,
    dryRun: options.dryRun,
    ...(options.secretsFile !== undefined && { secretsFile: options.secretsFile }),
  });
  try {
    const { result, reset } = await withDatabase(url, (sql) =>
      withTransaction(
        sql,
        async (tx) => {
          const done = await resetAndProvision(tx, desired, { ...options, settings });
          // As for apply: a real run's report (and its secrets) is out before COMMIT.
          if (!options.dryRun) io.err(describeReset(done.reset, false));
          report.beforeCommit(done.result);
          return done;
        },
        { rollback: options.dryRun },
      ),
    );
    if (options.dryRun) io.err(describeReset(reset, true));
    report.afterCommit(result);
    return exitCodeOf(result, options);
  } finally {
    report.close();
  }
}

/** The declared organisations and users: what a reset deletes (references to others are left alone). */
export function resetTargets(desired: Desired): ResetTargets {
  return {
    organisations: desired.organisations.map((o) => o.name),
    emails: desired.users.map((u) => u.email),
    userSources: new Map(desired.users.map((u) => [u.email.toLowerCase(), u.source])),
  };
}

/** The line naming the default source a reset uses, or null when the source options chose it. */
export function announceDefaultSource(options: SourceOptions): string | null {
  const origin = sourceOrigin(options);
  if (origin === "options") return null;
  if (origin === "PROVISIONING_DIRECTORY")
    return `Resetting from directory "${options.env.PROVISIONING_DIRECTORY}" (PROVISIONING_DIRECTORY).`;
  if (origin === "./provisioning")
    return 'Resetting from directory "provisioning" (found in the current directory; no --file, --directory or --preset given).';
  return "Resetting from the embedded bootstrap preset (no --file, --directory or --preset given).";
}

/** What `reset` accepts: apply's options, and whether the declared users' other organisations go too. */
export interface ResetOptions extends ApplyOptions {
  memberOrganisations?: boolean;
}

/** Inside the caller's transaction: the database checks, the reset, then provisioning exactly as `apply` does it. */
export async function resetAndProvision(
  tx: Sql,
  desired: Desired,
  options: ResetOptions & { settings: RunSettings },
): Promise<{ result: RunResult; reset: ResetResult }> {
  let reset: ResetResult | undefined;
  const result = await provisionInTransaction(tx, desired, {
    dryRun: options.dryRun,
    settings: options.settings,
    prepare: async (t) =>
      void (reset = await resetDeclared(t, {
        ...resetTargets(desired),
        memberOrganisations: options.memberOrganisations === true,
      })),
  });
  return { result, reset: reset! };
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
