import { describe, expect, test } from "bun:test";
import {
  encodeUid,
  hashPassword,
  isDjangoPasswordHash,
  passwordResetLink,
  passwordResetToken,
  siteUrl,
  unusablePassword,
  verifyPassword,
} from "../../src/flagsmith/django.ts";

// Vectors from WRITES.md §4.1/§4.2, computed with Django 5.2.17.
const VECTOR_HASH = "pbkdf2_sha256$1000000$saltsaltsaltsaltsalt12$6Zh3lx4S0k/09KF+w6Wm/VoDWIYrrcEPezCEnUG29EA=";

describe("hashPassword", () => {
  test("matches Django make_password for a fixed salt", async () => {
    expect(await hashPassword("Str0ngp4ssw0rd!", { salt: "saltsaltsaltsaltsalt12" })).toBe(VECTOR_HASH);
  });

  test("defaults: 1,000,000 iterations, 22-char alphanumeric salt, 89 characters, fresh salt each time", async () => {
    const [a, b] = await Promise.all([hashPassword("x"), hashPassword("x")]);
    expect(a).toMatch(/^pbkdf2_sha256\$1000000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/);
    expect(a).toHaveLength(89);
    expect(a).not.toBe(b);
    expect(await verifyPassword("x", a)).toBe(true);
  });

  test("honours a custom iteration count", async () => {
    const hash = await hashPassword("pw", { salt: "abc", iterations: 1000 });
    expect(hash.startsWith("pbkdf2_sha256$1000$abc$")).toBe(true);
    expect(await verifyPassword("pw", hash)).toBe(true);
  });

  test("8 hashes started together all complete and verify (they share libuv's threadpool)", async () => {
    const hashes = await Promise.all(Array.from({ length: 8 }, (_, i) => hashPassword(`pw${i}`)));
    expect(new Set(hashes).size).toBe(8);
    const checks = await Promise.all(hashes.map((h, i) => verifyPassword(`pw${i}`, h)));
    expect(checks.every(Boolean)).toBe(true);
    // No wall-clock ratio asserted: other test suites share these two cores. The test below proves the work is off
    // the main thread, which is what lets the threadpool run hashes in parallel.
  }, 30_000);

  test("main thread stays responsive while hashing (a synchronous PBKDF2 would let no timer fire)", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await Promise.all([hashPassword("responsive"), hashPassword("responsive too")]);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
  });
});

describe("verifyPassword", () => {
  test("accepts the Django vector and rejects a wrong password", async () => {
    expect(await verifyPassword("Str0ngp4ssw0rd!", VECTOR_HASH)).toBe(true);
    expect(await verifyPassword("Str0ngp4ssw0rd?", VECTOR_HASH)).toBe(false);
  });

  test("rejects malformed and unusable hashes instead of throwing", async () => {
    for (const bad of [
      "",
      "!abc",
      "pbkdf2_sha256$x$salt$AAAA",
      "pbkdf2_sha256$10$salt$short",
      "md5$a$b$c",
      unusablePassword(),
    ]) {
      expect(await verifyPassword("anything", bad)).toBe(false);
    }
  });

  test("verifies pbkdf2_sha1", async () => {
    // hashlib.pbkdf2_hmac("sha1", b"password", b"salt", 1) = 0c60c80f961f0e71f3a9b524af6012062fe037a6
    const hash = `pbkdf2_sha1$1$salt$${Buffer.from("0c60c80f961f0e71f3a9b524af6012062fe037a6", "hex").toString("base64")}`;
    expect(await verifyPassword("password", hash)).toBe(true);
  });
});

describe("unusablePassword", () => {
  test('is "!" + 40 alphanumerics and random', () => {
    const values = new Set(Array.from({ length: 1000 }, unusablePassword));
    expect(values.size).toBe(1000);
    for (const v of values) expect(v).toMatch(/^![A-Za-z0-9]{40}$/);
  });
});

describe("isDjangoPasswordHash", () => {
  test("accepts every format Django's default hashers verify, and unusable passwords", () => {
    for (const hash of [
      VECTOR_HASH,
      "pbkdf2_sha1$260000$abc$DLBSL1XKYsN8IeMr/5BaGtmZ+bo=",
      "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$ZmFrZWhhc2hmYWtlaGFzaA",
      "bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
      "scrypt$16384$somesalt$8$1$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      unusablePassword(),
    ]) {
      expect(isDjangoPasswordHash(hash)).toBe(true);
    }
  });

  test("rejects plaintext and unknown algorithms", () => {
    for (const value of [
      "password1234",
      "md5$salt$abc",
      "pbkdf2_sha256$1000000$salt",
      "sha1$a$b",
      "pbkdf2_sha256$0$s$AAAA",
      "",
    ]) {
      expect(isDjangoPasswordHash(value)).toBe(false);
    }
  });
});

describe("encodeUid", () => {
  test("djoser encode_uid of the decimal pk", () => {
    expect(encodeUid(1)).toBe("MQ");
    expect(encodeUid(42)).toBe("NDI");
    expect(encodeUid(1234)).toBe("MTIzNA");
  });
});

describe("passwordResetToken", () => {
  const base = { pk: 1, password: "!" + "A".repeat(40), lastLogin: null, email: "admin@example.com", secret: "secret" };
  const at = (seconds: number) => new Date(Date.UTC(2001, 0, 1) + seconds * 1000);

  test("matches Django's PasswordResetTokenGenerator vector", () => {
    expect(passwordResetToken({ ...base, now: at(800_000_000) })).toBe("d8ary8-ce976a585853886f5e27854367ce7663");
    expect(passwordResetToken({ ...base, now: new Date(at(800_000_000).getTime() + 999) })).toBe(
      "d8ary8-ce976a585853886f5e27854367ce7663",
    );
  });

  test("changes with every input Django mixes in", () => {
    const reference = passwordResetToken({ ...base, now: at(800_000_000) });
    for (const changed of [
      { pk: 2 },
      { password: "!" + "B".repeat(40) },
      { lastLogin: new Date("2024-05-06T07:08:09.123Z") },
      { email: "other@example.com" },
      { secret: "other" },
    ]) {
      expect(passwordResetToken({ ...base, now: at(800_000_000), ...changed })).not.toBe(reference);
    }
    expect(passwordResetToken({ ...base, now: at(800_000_001) })).toStartWith("d8ary9-");
  });

  test("drops microseconds of last_login (Django renders it to the second)", () => {
    const a = passwordResetToken({ ...base, now: at(800_000_000), lastLogin: new Date("2024-05-06T07:08:09.000Z") });
    const b = passwordResetToken({ ...base, now: at(800_000_000), lastLogin: new Date("2024-05-06T07:08:09.999Z") });
    expect(a).toBe(b);
  });

  test("uses the current time by default", () => {
    const ts = Math.floor((Date.now() - Date.UTC(2001, 0, 1)) / 1000);
    const [prefix] = passwordResetToken(base).split("-");
    expect(Math.abs(parseInt(prefix!, 36) - ts)).toBeLessThanOrEqual(1);
  });
});

describe("siteUrl and passwordResetLink", () => {
  test("http only for localhost and 127.0.0.1 (with or without port), https otherwise", () => {
    expect(siteUrl("localhost")).toBe("http://localhost");
    expect(siteUrl("localhost:8000")).toBe("http://localhost:8000");
    expect(siteUrl("127.0.0.1:8080")).toBe("http://127.0.0.1:8080");
    expect(siteUrl("flagsmith.example.com")).toBe("https://flagsmith.example.com");
    expect(siteUrl("example.com")).toBe("https://example.com");
    expect(siteUrl("app.flagsmith.com")).toBe("https://app.flagsmith.com");
  });

  test("builds the link the bootstrap prints", () => {
    expect(passwordResetLink("localhost:8000", "MQ", "d8ary8-ce976a585853886f5e27854367ce7663")).toBe(
      "http://localhost:8000/password-reset/confirm/MQ/d8ary8-ce976a585853886f5e27854367ce7663",
    );
  });
});
