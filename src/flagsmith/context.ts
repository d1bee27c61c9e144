import type postgres from "postgres";
import type { Desired, EntityOf, Kind, Existing, ExistingIds } from "../kinds/index.ts";
import type { ActionOf, Secret } from "../kinds/plan.ts";
import type { Hashes } from "./hashes.ts";

/** A connection or transaction handle; every flagsmith/ module runs its statements through it. */
export type Sql = postgres.Sql | postgres.TransactionSql;

/** Settings from the environment that change what is written or printed. */
export interface RunSettings {
  /** DJANGO_SECRET_KEY: needed to print a valid password-reset link. */
  djangoSecretKey: string | null;
  /** FLAGSMITH_DOMAIN: overrides the site domain for links and for app_domain (contract §1). */
  flagsmithDomain: string | null;
}

/** What writers share while applying a plan. */
export interface WriteContext {
  sql: Sql;
  /** key → id of every row known so far: existing rows plus rows created earlier in this run. Writers add theirs. */
  ids: ExistingIds;
  settings: RunSettings;
  /** "table.column" of every column we write that this database has (compat.ts); optional ones may be absent. */
  present: ReadonlySet<string>;
  /** The site domain in effect after app_domain was applied (for reset links). */
  siteDomain: string | null;
  /** The plan's password and master-key hashes, begun before the first write (hashes.ts). */
  hashes: Hashes;
  /**
   * Writes that need a hash but that nothing else needs (a user's password, a master key's row):
   * run after every kind, still in the transaction, so the hashing overlaps the other kinds' writes.
   */
  deferredWrites: Array<() => Promise<void>>;
  /**
   * The environments whose updated_at the writers' changes move (the API's audit hooks do, §2.4): by project (every
   * environment of it) or by id. Collected, so that one UPDATE after every kind touches each row once.
   */
  touched: { projects: Set<number>; environments: Set<number> };
}

/** What a reader found: ids by key, and for projects and master API keys what else diffing needs. */
export interface Found<E = unknown> {
  ids: Map<string, number | string>;
  /** The stored entities by key, for kinds that compare fields (KindSpec.compared): what drift is computed from. */
  stored?: Map<string, E>;
  projectOrganisations?: Map<string, string[]>;
  revokedMasterApiKeys?: Set<string>;
}

/**
 * One Flagsmith concept: how to find its existing rows (one query for all desired entities) and
 * how to insert a batch with every side-effect row Flagsmith would write (a bounded number of
 * statements, whatever the batch size).
 */
export interface KindModule<K extends Kind> {
  /**
   * What exists of this kind (ids by key), read in one query given what earlier kinds found; never changes `existing`.
   */
  read(sql: Sql, desired: Desired, existing: Readonly<Existing>): Promise<Found<EntityOf[K]>>;
  /**
   * Creates every action's entity (what waits for a hash goes to `ctx.deferredWrites`); records new ids in `ctx.ids`;
   * returns the secrets to print per action.
   */
  create(ctx: WriteContext, actions: ActionOf<K>[]): Promise<Map<ActionOf<K>, Secret[]>>;
}
