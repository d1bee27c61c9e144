import type {
  Desired,
  DesiredEnvironment,
  DesiredEnvironmentPermission,
  DesiredFeature,
  DesiredGroup,
  DesiredGroupMember,
  DesiredIdentity,
  DesiredMasterApiKey,
  DesiredMembership,
  DesiredOrganisation,
  DesiredOrganisationPermission,
  DesiredProject,
  DesiredProjectPermission,
  DesiredSegment,
  DesiredUser,
} from "../spec/desired.ts";

/** What each kind of action carries. Adding a kind here breaks every `Record<Kind, …>` until handled. */
export interface EntityOf {
  user: DesiredUser;
  organisation: DesiredOrganisation;
  membership: DesiredMembership;
  group: DesiredGroup;
  groupMember: DesiredGroupMember;
  organisationPermission: DesiredOrganisationPermission;
  masterApiKey: DesiredMasterApiKey;
  project: DesiredProject;
  projectPermission: DesiredProjectPermission;
  environment: DesiredEnvironment;
  environmentPermission: DesiredEnvironmentPermission;
  identity: DesiredIdentity;
  segment: DesiredSegment;
  feature: DesiredFeature;
}

export type Kind = keyof EntityOf;

/** Processing order (contract §1 "Processing order"); the plan lists actions in this order. */
export const KIND_ORDER: readonly Kind[] = [
  "user",
  "organisation",
  "membership",
  "group",
  "groupMember",
  "organisationPermission",
  "masterApiKey",
  "project",
  "projectPermission",
  "environment",
  "environmentPermission",
  "identity",
  "segment",
  "feature",
];

/** Where each kind lives in `Desired`. */
export const DESIRED_LIST: { [K in Kind]: keyof Omit<Desired, "appDomain"> } = {
  user: "users",
  organisation: "organisations",
  membership: "memberships",
  group: "groups",
  groupMember: "groupMembers",
  organisationPermission: "organisationPermissions",
  masterApiKey: "masterApiKeys",
  project: "projects",
  projectPermission: "projectPermissions",
  environment: "environments",
  environmentPermission: "environmentPermissions",
  identity: "identities",
  segment: "segments",
  feature: "features",
};

/** Nested items are created with their parent; they get their own output line only when the parent already existed. */
export const PARENT_KIND: { [K in Kind]: Kind | null } = {
  user: null,
  organisation: null,
  membership: "organisation",
  group: "organisation",
  groupMember: "group",
  organisationPermission: "organisation",
  masterApiKey: null,
  project: null,
  projectPermission: "project",
  environment: null,
  environmentPermission: "environment",
  identity: "environment",
  segment: null,
  feature: null,
};

export type Op = "create" | "skip";

/** One step of the plan. References inside `entity` are bound (every ProjectRef has its organisation). */
export type Action = {
  [K in Kind]: {
    kind: K;
    op: Op;
    /** Idempotency key (plan/keys.ts). */
    key: string;
    entity: EntityOf[K];
    /** null for top-level kinds; for nested kinds whether the parent is being created or already existed. */
    parent: "created" | "existing" | null;
    /** Set on a skip of something that exists but is not live: a master API key revoked or deleted in the database. */
    reason?: SkipReason;
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
  return action.parent !== "created" && !(action.parent === "existing" && action.op === "skip");
}
