/**
 * What a run does and what it produced, shared by the planner (plan/), the applier (flagsmith/) and the
 * report (report/): the plan's actions, their outcomes and the secrets they made.
 */
import type { Desired, EntityOf, Kind } from "./index.ts";
import type { Drift } from "./drift.ts";

export type Op = "create" | "skip";

/** One step of the plan. References inside `entity` are bound (every ProjectRef has its organisation). */
export type Action = {
  [K in Kind]: {
    kind: K;
    op: Op;
    /** Idempotency key (KindSpec.key). */
    key: string;
    entity: EntityOf[K];
    /** null for top-level kinds; for nested kinds whether the parent is being created or already existed. */
    parent: "created" | "existing" | null;
    /** Set on a skip of something that exists but is not live: a master API key revoked or deleted in the database. */
    reason?: SkipReason;
    /** On a skip: what the database holds for it, where its kind compares fields (the report names that). */
    stored?: EntityOf[K];
    /** On a skip: how the existing entity differs from the files (contract §7); absent when it does not. */
    drift?: Drift[];
  };
}[Kind];

/**
 * Why a skip is not the usual "already exists": "revoked" is a master API key whose name only
 * revoked or soft-deleted rows hold. It stays revoked: someone revoked it on purpose, and creating
 * it again would mint a new admin key on every run (or, for a fixed key, hit its taken prefix).
 */
export type SkipReason = "revoked";

export type ActionOf<K extends Kind> = Extract<Action, { kind: K }>;

/** The ordered actions the applier executes and the dry run prints, plus run-wide settings. */
export interface Plan {
  actions: Action[];
  appDomain: Desired["appDomain"];
  /** For stderr: what the plan leaves out on purpose and how to change that (a revoked master API key). */
  warnings: string[];
}

/** A secret produced while applying, printed once next to its action (never in a dry run). */
export type Secret =
  | { kind: "resetLink"; url: string }
  | { kind: "resetInstructions"; text: string }
  | { kind: "masterApiKey"; key: string }
  | { kind: "environmentKey"; key: string };

/** What happened to one action. */
export interface Outcome {
  action: Action;
  secrets: Secret[];
}

/** Everything the report needs after a run. */
export interface RunResult {
  dryRun: boolean;
  /** True when no database was used (dry run against an assumed empty instance). */
  offline: boolean;
  outcomes: Outcome[];
  /** Printed on stderr (e.g. app_domain not applied). */
  warnings: string[];
}

/** Whether an action gets its own line and counts in the summary (contract §3 "Output"). */
export function isReported(action: Action): boolean {
  return action.parent !== "created" && !(action.parent === "existing" && action.op === "skip" && !action.drift);
}
