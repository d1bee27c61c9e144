/**
 * The slow hashes of a run: each new user's plain password and each new master API key is a
 * 1,000,000-iteration PBKDF2 (~175 ms, django.ts). Awaited where they are written, one after the
 * other, they made up half of the demo preset's run; begun together as soon as the plan is known,
 * they run on libuv's threadpool while the writes go on, and their rows are written last
 * (WriteContext.deferredWrites). Only creations are hashed, so a no-op run costs no hashing.
 */
import type { Action, ActionOf } from "../plan/actions.ts";
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

const DJANGO_HASHERS: Hashers = { password: (plain) => hashPassword(plain), masterApiKey: (key) => hashMasterApiKey(key) };

/** Begins every hash the plan's creations need, all at once; a writer that asks for one not begun here starts it then. */
export function startHashes(actions: readonly Action[], hashers: Hashers = DJANGO_HASHERS): Hashes {
  const passwords = new Map<ActionOf<"user">, Promise<string> | null>();
  const keys = new Map<ActionOf<"masterApiKey">, PendingMasterApiKey>();
  const hashes: Hashes = {
    password: (action) =>
      once(passwords, action, () => (action.entity.password.kind === "plain" ? handled(hashers.password(action.entity.password.value)) : null)),
    masterApiKey: (action) =>
      once(keys, action, () => {
        const key = action.entity.key ?? generateMasterApiKey();
        return { key, stored: handled(hashers.masterApiKey(key)) };
      }),
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
