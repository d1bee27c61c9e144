import { describe, expect, test } from "bun:test";
import { verifyPassword } from "../../src/flagsmith/django.ts";
import {
  generateEnvironmentKey,
  generateMasterApiKey,
  hashMasterApiKey,
  isMasterApiKeyFormat,
} from "../../src/flagsmith/secrets.ts";

const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

describe("generateEnvironmentKey", () => {
  test("22 characters of shortuuid's alphabet, never repeating", () => {
    const keys = Array.from({ length: 1000 }, generateEnvironmentKey);
    expect(new Set(keys).size).toBe(1000);
    for (const key of keys) {
      expect(key).toHaveLength(22);
      for (const c of key) expect(ALPHABET).toContain(c);
    }
  });

  test("uses the whole alphabet (base 57 encoding, not a subset)", () => {
    const seen = new Set(Array.from({ length: 300 }, generateEnvironmentKey).join(""));
    expect(seen.size).toBe(57);
  });

  test("decodes to a version 4 UUID, as shortuuid.uuid() produces", () => {
    for (let i = 0; i < 50; i++) {
      let n = 0n;
      for (const c of generateEnvironmentKey()) n = n * 57n + BigInt(ALPHABET.indexOf(c));
      const hex = n.toString(16).padStart(32, "0");
      expect(hex).toHaveLength(32);
      expect(hex[12]).toBe("4");
      expect("89ab").toContain(hex[16]!);
    }
  });
});

describe("master API keys", () => {
  test("generated keys have Flagsmith's <8>.<32> format and never repeat", () => {
    const keys = Array.from({ length: 1000 }, generateMasterApiKey);
    expect(new Set(keys).size).toBe(1000);
    for (const key of keys) expect(isMasterApiKeyFormat(key)).toBe(true);
  });

  test("format check rejects the upstream docs' flg_mas example and near misses", () => {
    for (const bad of [
      "flg_masXXXXXXXX.abcdefghijklmnopqrstuvwxyz012345",
      "abcdefg.ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
      "abcdefgh.ABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
      "abcdefgh-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
      "abcdefgh.ABCDEFGHIJKLMNOPQRSTUVWXYZ012345\n",
      "",
    ]) {
      expect(isMasterApiKeyFormat(bad)).toBe(false);
    }
    expect(isMasterApiKeyFormat("abcdefgh.ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")).toBe(true);
  });

  test("hashMasterApiKey matches what Flagsmith stores (WRITES.md §5 vector)", async () => {
    const key = "abcdefgh.ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    const hashedKey = "pbkdf2_sha256$1000000$saltsaltsaltsaltsalt12$UO7v0yTDMJkQTJcnlB9uv1EbHZcCym4cWauwvU0H2A8=";
    expect(await hashMasterApiKey(key, { salt: "saltsaltsaltsaltsalt12" })).toEqual({
      prefix: "abcdefgh",
      hashedKey,
      id: `abcdefgh.${hashedKey}`,
    });
  });

  test("with a random salt the stored hash still authenticates the full key", async () => {
    const key = generateMasterApiKey();
    const stored = await hashMasterApiKey(key);
    expect(stored.prefix).toBe(key.slice(0, 8));
    expect(stored.id).toBe(`${stored.prefix}.${stored.hashedKey}`);
    expect(stored.id.length).toBeLessThanOrEqual(150);
    expect(await verifyPassword(key, stored.hashedKey)).toBe(true);
    expect(await verifyPassword(key.slice(0, 9), stored.hashedKey)).toBe(false);
  });
});
