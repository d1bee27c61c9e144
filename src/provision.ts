/**
 * What a provisioning run shares between `apply`, `reset` and the tests: the sources chosen by the flags,
 * the settings read from the environment, the work done inside the run's transaction, and the rule that
 * its report is out before the commit.
 */
import { fail, UserError, type Issue } from "./errors.ts";
import { loadDesired, type LoadOptions } from "./input/index.ts";
import type { Source } from "./input/source.ts";
import { applyPlan, readExisting } from "./flagsmith/execute.ts";
import { checkCompatibility, refuseUnfitInput } from "./flagsmith/compat.ts";
import type { EarlyMasterKeys } from "./flagsmith/hashes.ts";
import type { RunSettings, Sql } from "./flagsmith/context.ts";
import { HOST_AND_PORT_EXAMPLE, HOST_AND_PORT_HINT, isHostAndPort } from "./input/host.ts";
import type { Desired } from "./kinds/index.ts";
import type { RunResult } from "./kinds/plan.ts";
import type { Env } from "./io.ts";
import { diffState } from "./plan/diff.ts";

/** The source flags in the shape discoverSources takes. */
export function sourceFlags(options: { files: string[]; directory?: string; preset?: string }) {
  return {
    files: options.files,
    ...(options.directory !== undefined && { directory: options.directory }),
    ...(options.preset !== undefined && { preset: options.preset }),
  };
}

/**
 * Inside the caller's transaction: refuse an unsupported database or input it cannot hold, run
 * `prepare` (reset deletes there), then read, plan and apply. A dry run's secrets would not work
 * after the rollback, so they are never returned.
 */
export async function provisionInTransaction(
  tx: Sql,
  desired: Desired,
  options: {
    dryRun: boolean;
    settings: RunSettings;
    prepare?: (tx: Sql) => Promise<void>;
    earlyMasterKeys?: EarlyMasterKeys;
  },
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

/**
 * Settings from the environment; an empty variable counts as unset (compose files often pass `FOO=`).
 * FLAGSMITH_DOMAIN becomes the site domain links are made of, so it must be a host[:port] like app_domain.
 */
export function runSettings(env: Env): RunSettings {
  const domain = env.FLAGSMITH_DOMAIN || null;
  if (domain !== null && !isHostAndPort(domain)) {
    fail({
      rule: "bad-domain",
      message: `FLAGSMITH_DOMAIN must be ${HOST_AND_PORT_EXAMPLE}, got ${JSON.stringify(domain)}`,
      hint: HOST_AND_PORT_HINT,
    });
  }
  return { djangoSecretKey: env.DJANGO_SECRET_KEY || null, flagsmithDomain: domain };
}

/**
 * The sources' desired state and the environment's settings, with every problem of both in one UserError (exit 2):
 * a bad FLAGSMITH_DOMAIN is reported together with the files' problems, before anything waits or connects.
 */
export function loadRun(
  sources: Source[],
  env: Env,
  options: LoadOptions = {},
): ReturnType<typeof loadDesired> & { settings: RunSettings } {
  let settings: RunSettings | null = null;
  const issues: Issue[] = [];
  try {
    settings = runSettings(env);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    issues.push(...error.issues);
  }
  let loaded: ReturnType<typeof loadDesired>;
  try {
    loaded = loadDesired(sources, env, options);
  } catch (error) {
    if (error instanceof UserError && issues.length) throw new UserError([...issues, ...error.issues]);
    throw error;
  }
  if (settings === null) throw new UserError(issues);
  return { ...loaded, settings };
}
