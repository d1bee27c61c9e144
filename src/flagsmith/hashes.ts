/**
 * The slow hashes of a run: each new user's plain password and each new master API key is a
 * 1,000,000-iteration PBKDF2 (~175 ms, django.ts). Awaited where they are written, one after the
 * other, they made up half of the demo preset's run; begun together as soon as the plan is known,
 * they run on libuv's threadpool while the writes go on, and their rows are written last
 * (WriteContext.deferredWrites). Only creations are hashed, so a no-op run costs no hashing, with one
 * exception: master keys (beginMasterKeyHashes).
 */
import type { Action, ActionOf } from "../kinds/plan.ts";
import type { DesiredMasterApiKey } from "../kinds/index.ts";
import { hashPassword } from "./django.ts";
import { generateMasterApiKey, hashMasterApiKey, type StoredMasterApiKey } from "./secrets.ts";

/** A master API key to create: the key itself (given, or generated now) and what the table stores for it. */
export interface PendingMasterApiKey {
  key: string;
  stored: Promise<StoredMasterApiKey>;
}

/** Each planned creation's hash, begun once: asking again returns the same promise (and the same generated key). */
export interface Hashes {
  /** The Django hash of a user's plain password; null when the user has none to hash (a given hash, or unusable). */
  password(action: ActionOf<"user">): Promise<string> | null;
  masterApiKey(action: ActionOf<"masterApiKey">): PendingMasterApiKey;
}

/** How a password and a master API key are hashed: Django's PBKDF2 for real runs, something cheap in tests. */
export interface Hashers {
  password(plain: string): Promise<string>;
  masterApiKey(key: string): Promise<StoredMasterApiKey>;
}

const DJANGO_HASHERS: Hashers = {
  password: (plain) => hashPassword(plain),
  masterApiKey: (key) => hashMasterApiKey(key),
};

/** Master API keys whose hash began before the plan was known, by the desired key they are for. */
export type EarlyMasterKeys = ReadonlyMap<DesiredMasterApiKey, PendingMasterApiKey>;

/**
 * Begins the hash of every declared master API key before connecting. Whether a key will be created is
 * known only after the reads, and beginning then left its hash (~155 ms) as the longest part of a run that
 * creates one (the demo preset). Keys are few, so hashing one that turns out to exist costs a threadpool
 * thread for a moment and nothing waits for it (the process exits without awaiting it). Users' passwords
 * are not hashed early: there can be many, and most runs create none.
 */
export function beginMasterKeyHashes(
  keys: readonly DesiredMasterApiKey[],
  hashers: Hashers = DJANGO_HASHERS,
): EarlyMasterKeys {
  return new Map(keys.map((entity) => [entity, pendingKey(entity, hashers)]));
}

function pendingKey(entity: DesiredMasterApiKey, hashers: Hashers): PendingMasterApiKey {
  const key = entity.key ?? generateMasterApiKey();
  return { key, stored: handled(hashers.masterApiKey(key)) };
}

/**
 * Begins every hash the plan's creations need, all at once (master keys begun early are taken over); a
 * writer that asks for one not begun here starts it then.
 */
export function startHashes(
  actions: readonly Action[],
  hashers: Hashers = DJANGO_HASHERS,
  early: EarlyMasterKeys = new Map(),
): Hashes {
  const passwords = new Map<ActionOf<"user">, Promise<string> | null>();
  const keys = new Map<ActionOf<"masterApiKey">, PendingMasterApiKey>();
  const hashes: Hashes = {
    password: (action) =>
      once(passwords, action, () =>
        action.entity.password.kind === "plain" ? handled(hashers.password(action.entity.password.value)) : null,
      ),
    masterApiKey: (action) => once(keys, action, () => early.get(action.entity) ?? pendingKey(action.entity, hashers)),
  };
  for (const action of actions) {
    if (action.op !== "create") continue;
    if (action.kind === "user") hashes.password(action);
    else if (action.kind === "masterApiKey") hashes.masterApiKey(action);
  }
  return hashes;
}

function once<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key)!;
}

/**
 * A run that stops before it awaits a hash (a refused insert, a taken key prefix) must not end in an
 * unhandled rejection on top of its real error; whoever awaits the promise still sees it reject.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
