import { describe, expect, test } from "bun:test";
import { beginMasterKeyHashes, startHashes, type Hashers } from "../../src/flagsmith/hashes.ts";
import { isMasterApiKeyFormat } from "../../src/flagsmith/secrets.ts";
import type { Action, ActionOf, Op } from "../../src/kinds/plan.ts";
import type { UserPassword } from "../../src/kinds/index.ts";

const source = { file: "hashes.yaml", line: 1, column: 1 };

function user(email: string, password: UserPassword, op: Op = "create"): ActionOf<"user"> {
  const entity = { source, email, isSuperuser: false, firstName: "", lastName: "", username: null, password };
  return { kind: "user", op, key: email, entity, parent: null };
}

function masterKey(name: string, key: string | null, op: Op = "create"): ActionOf<"masterApiKey"> {
  return {
    kind: "masterApiKey",
    op,
    key: `Acme/${name}`,
    entity: { source, organisation: "Acme", name, isAdmin: true, key },
    parent: null,
  };
}

/** Cheap stand-ins that record what they were asked to hash. */
function recording(): Hashers & { hashed: string[] } {
  const hashed: string[] = [];
  return {
    hashed,
    password: async (plain) => (hashed.push(plain), `hash(${plain})`),
    masterApiKey: async (key) => (
      hashed.push(key),
      { id: `id(${key})`, prefix: key.slice(0, 8), hashedKey: `hash(${key})` }
    ),
  };
}

describe("startHashes", () => {
  test("begins a hash for every created user's plain password and every created master key, and nothing else", () => {
    const hashers = recording();
    const actions: Action[] = [
      user("plain@example.com", { kind: "plain", value: "p1" }),
      user("given@example.com", { kind: "hash", value: "pbkdf2_sha256$1$s$aGFzaA==" }),
      user("none@example.com", { kind: "unusable" }),
      user("exists@example.com", { kind: "plain", value: "p2" }, "skip"),
      masterKey("CI", "abcdefgh.ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"),
      masterKey("Existing", "zyxwvuts.ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "skip"),
    ];
    startHashes(actions, hashers);
    // Begun synchronously, before the first statement is sent; a no-op run (all skips) pays for none.
    expect(hashers.hashed).toEqual(["p1", "abcdefgh.ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"]);
  });

  test("a plan that only skips hashes nothing", () => {
    const hashers = recording();
    startHashes([user("a@example.com", { kind: "plain", value: "p" }, "skip"), masterKey("CI", null, "skip")], hashers);
    expect(hashers.hashed).toEqual([]);
  });

  test("writers get the hash begun at the start (same promise, same generated key), and null when there is nothing to hash", async () => {
    const hashers = recording();
    const plain = user("plain@example.com", { kind: "plain", value: "p1" });
    const given = user("given@example.com", { kind: "hash", value: "pbkdf2_sha256$1$s$aGFzaA==" });
    const generated = masterKey("CI", null);
    const hashes = startHashes([plain, given, generated], hashers);
    expect(hashes.password(plain)).toBe(hashes.password(plain)!);
    expect(await hashes.password(plain)).toBe("hash(p1)");
    expect(hashes.password(given)).toBeNull();
    const pending = hashes.masterApiKey(generated);
    expect(hashes.masterApiKey(generated)).toBe(pending);
    expect(isMasterApiKeyFormat(pending.key)).toBe(true);
    expect(await pending.stored).toEqual({
      id: `id(${pending.key})`,
      prefix: pending.key.slice(0, 8),
      hashedKey: `hash(${pending.key})`,
    });
    expect(hashers.hashed).toHaveLength(2);
  });

  test("a hash not begun at the start is begun when a writer asks for it", async () => {
    const hashers = recording();
    const hashes = startHashes([], hashers);
    expect(await hashes.password(user("late@example.com", { kind: "plain", value: "late" }))).toBe("hash(late)");
    expect(hashers.hashed).toEqual(["late"]);
  });

  test("a failed hash is no unhandled rejection while nobody awaits it, and still rejects for whoever does", async () => {
    const failing: Hashers = {
      password: async () => Promise.reject(new Error("no entropy")),
      masterApiKey: recording().masterApiKey,
    };
    const plain = user("plain@example.com", { kind: "plain", value: "p1" });
    const hashes = startHashes([plain], failing);
    await Bun.sleep(1);
    await expect(hashes.password(plain)!).rejects.toThrow("no entropy");
  });

  test("master keys begun before connecting are taken over, not hashed again; unneeded ones are left alone", async () => {
    const hashers = recording();
    const created = masterKey("CI", null);
    const existing = masterKey("Existing", "zyxwvuts.ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "skip");
    const early = beginMasterKeyHashes([created.entity, existing.entity], hashers);
    expect(hashers.hashed).toHaveLength(2); // begun at once, before any plan exists
    const hashes = startHashes([created, existing], hashers, early);
    const pending = hashes.masterApiKey(created);
    expect(pending).toBe(early.get(created.entity)!);
    expect(isMasterApiKeyFormat(pending.key)).toBe(true);
    expect(await pending.stored).toMatchObject({ prefix: pending.key.slice(0, 8) });
    expect(hashers.hashed).toHaveLength(2);
  });
});
