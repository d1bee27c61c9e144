import type { Kind } from "./actions.ts";

/** Ids of rows that already exist, per kind, by idempotency key (plan/keys.ts). */
export type ExistingIds = { [K in Kind]: Map<string, number | string> };

/**
 * What the database already holds, as far as the desired state is concerned.
 * Read by the flagsmith/ readers (one query per kind); pure data from here on.
 */
export interface Existing {
  /** false for the offline dry run: nothing is known, references to undeclared entities are assumed to exist. */
  complete: boolean;
  ids: ExistingIds;
  /** Organisations holding a project of each name, to bind references that name no organisation. */
  projectOrganisations: Map<string, string[]>;
  /** Master API keys (by key) whose name is held only by revoked or soft-deleted rows: skipped, never re-created. */
  revokedMasterApiKeys: Set<string>;
}

/** No rows at all: an empty instance (the offline dry run), or a database before any reads. */
export function emptyExisting(complete: boolean): Existing {
  return {
    complete,
    ids: {
      user: new Map(),
      organisation: new Map(),
      membership: new Map(),
      group: new Map(),
      groupMember: new Map(),
      organisationPermission: new Map(),
      masterApiKey: new Map(),
      project: new Map(),
      projectPermission: new Map(),
      environment: new Map(),
      environmentPermission: new Map(),
      identity: new Map(),
      segment: new Map(),
      feature: new Map(),
    },
    projectOrganisations: new Map(),
    revokedMasterApiKeys: new Set(),
  };
}
