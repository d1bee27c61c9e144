import { emptyExisting, KIND_ORDER, type Desired, type Existing, type ExistingIds, type Kind } from "../kinds/index.ts";
import type { ActionOf, Outcome, Plan, Secret } from "../kinds/plan.ts";
import type { KindModule, RunSettings, Sql, WriteContext } from "./context.ts";
import { startHashes, type EarlyMasterKeys } from "./hashes.ts";
import { KIND_MODULES } from "./kinds/index.ts";
import { touchEnvironments } from "./kinds/environment.ts";
import { applySiteDomain } from "./site.ts";
import { refreshStatistics } from "./statistics.ts";

/** Reads what already exists for the desired state: one query per kind. */
export async function readExisting(sql: Sql, desired: Desired): Promise<Existing> {
  let existing = emptyExisting(true);
  // In processing order: a reader looks its rows up by the ids of the kinds it refers to, found before it.
  for (const kind of KIND_ORDER) {
    const { ids, stored, ...more } = await KIND_MODULES[kind].read(sql, desired, existing);
    existing = {
      ...existing,
      ...more,
      ids: { ...existing.ids, [kind]: ids },
      stored: stored ? { ...existing.stored, [kind]: stored } : existing.stored,
    };
  }
  return existing;
}

/** The result of applying a plan inside the caller's transaction. */
export interface Applied {
  outcomes: Outcome[];
  warnings: string[];
}

/** What a run brings to applying its plan. */
export interface ApplyRun {
  settings: RunSettings;
  /** The written columns this database has (Compatibility.present), so writers leave out optional ones. */
  present: ReadonlySet<string>;
  /** Master keys whose hash began before connecting (beginMasterKeyHashes); others begin here. */
  earlyMasterKeys?: EarlyMasterKeys;
}

/** Executes the plan's creations kind by kind, in processing order, inside the caller's transaction. */
export async function applyPlan(sql: Sql, plan: Plan, existing: Existing, run: ApplyRun): Promise<Applied> {
  const { settings, present } = run;
  // Before the first statement, so the PBKDF2 hashes (~175 ms each, on the threadpool) overlap every write.
  const hashes = startHashes(plan.actions, undefined, run.earlyMasterKeys);
  const site = await applySiteDomain(sql, plan.appDomain, settings);
  // The writers record the ids they create: in a copy, so the caller's `existing` stays what was read.
  const ids = Object.fromEntries(KIND_ORDER.map((k) => [k, new Map(existing.ids[k])])) as ExistingIds;
  const touched = { projects: new Set<number>(), environments: new Set<number>() };
  const ctx: WriteContext = {
    sql,
    ids,
    settings,
    present,
    siteDomain: site.domain,
    hashes,
    deferredWrites: [],
    touched,
  };
  const secrets = new Map<object, Secret[]>();
  for (const kind of KIND_ORDER) {
    const creates = plan.actions.filter((a) => a.kind === kind && a.op === "create") as ActionOf<typeof kind>[];
    if (creates.length === 0) continue;
    const module = KIND_MODULES[kind] as KindModule<Kind>;
    for (const [action, s] of await module.create(ctx, creates as ActionOf<Kind>[])) secrets.set(action, s);
  }
  await touchEnvironments(sql, [...touched.projects], [...touched.environments]);
  await refreshStatistics(sql, plan);
  // Last, so the hashes they wait for have had the whole run to finish.
  for (const write of ctx.deferredWrites) await write();
  return {
    outcomes: plan.actions.map((action) => ({ action, secrets: secrets.get(action) ?? [] })),
    warnings: [...plan.warnings, ...site.warnings],
  };
}
