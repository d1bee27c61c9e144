/**
 * Issue 8 item 8, through the compiled binary: a master API key revoked or deleted in the dashboard
 * must not stop every later run (an init container that can never start again) nor mint a new admin
 * key on every start. It stays revoked: exit 0, a skip line, a warning saying how to rotate, no key
 * printed, and not one row changed.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type postgres from "postgres";
import { availableSchemas, checksumAllTables, createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { STACK_LINE, ensureBinary, run, tempDir, type Ran } from "../helpers/binary.ts";
import { expectCleanFailure } from "../helpers/failure.ts";

// Building the binary, creating a database and hashing keys (PBKDF2, 1,000,000 rounds) take seconds on a busy machine.
setDefaultTimeout(120_000);

const FIXED = "fixedkey.0123456789abcdefghijklmnopqrstuv";
const DELETED = "deletedk.0123456789abcdefghijklmnopqrstuv";
const ROTATED = "rotatedk.0123456789abcdefghijklmnopqrstuv";
// The newest real Flagsmith schema when this machine has the dumps: what operators run against.
const SCHEMA = availableSchemas().includes("v2.265.0") ? "v2.265.0" : "fixture";

let binary: string;
let db: TestDatabase;
let cwd: string;

const keyFile = (name: string, key: string | null) =>
  `version: "1.0"\nmaster_api_keys:\n  - name: ${name}\n    organisation: Acme\n` +
  (key === null ? "" : `    key: ${key}\n`);

beforeAll(async () => {
  binary = ensureBinary();
  cwd = tempDir();
  db = await createTestDatabase(SCHEMA);
  writeFileSync(join(cwd, "org.yaml"), `version: "1.0"\norganisations:\n  - name: Acme\n`);
  writeFileSync(join(cwd, "fixed.yaml"), keyFile("Fixed", FIXED));
  writeFileSync(join(cwd, "deleted.yaml"), keyFile("Deleted", DELETED));
  writeFileSync(join(cwd, "generated.yaml"), keyFile("Generated", null));
  writeFileSync(join(cwd, "renamed.yaml"), keyFile("Fixed renamed", FIXED));
  writeFileSync(join(cwd, "rotated.yaml"), keyFile("Fixed 2", ROTATED));
});
afterAll(async () => {
  await db?.drop();
});

const cli = (...args: string[]) =>
  run([binary, ...args], { cwd, env: { DATABASE_URL: db.url, DJANGO_SECRET_KEY: "test-secret" } });
const apply = (file: string, ...flags: string[]) => cli("--file", "org.yaml", "--file", file, ...flags);
const shown = (ran: Ran) => `exit ${ran.exitCode}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`;

/** The key a run printed for the master API key `name`. */
function printedKey(ran: Ran, name: string): string {
  const match = ran.stdout.match(new RegExp(`^Created master API key "${name}": (\\S+)$`, "m"));
  expect(match, shown(ran)).not.toBeNull();
  return match![1]!;
}

async function rowsNamed(name: string): Promise<number> {
  const [row] = await db.sql<
    { n: number }[]
  >`select count(*)::int as n from api_keys_masterapikey where name = ${name}`;
  return row!.n;
}

const WITHDRAWN: Array<{
  what: string;
  file: string;
  name: string;
  key: string | null;
  withdraw: (sql: postgres.Sql, name: string) => Promise<unknown>;
  rotate: RegExp;
}> = [
  {
    what: "a fixed key revoked in the dashboard",
    file: "fixed.yaml",
    name: "Fixed",
    key: FIXED,
    withdraw: (sql, name) => sql`update api_keys_masterapikey set revoked = true where name = ${name}`,
    rotate: /give it a new name and a new key: in the files/,
  },
  {
    what: "a fixed key deleted in the dashboard (soft delete)",
    file: "deleted.yaml",
    name: "Deleted",
    key: DELETED,
    withdraw: (sql, name) => sql`update api_keys_masterapikey set deleted_at = now() where name = ${name}`,
    rotate: /give it a new name and a new key: in the files/,
  },
  {
    what: "a generated key revoked in the dashboard",
    file: "generated.yaml",
    name: "Generated",
    key: null,
    withdraw: (sql, name) => sql`update api_keys_masterapikey set revoked = true where name = ${name}`,
    rotate: /give it a new name in the files \(a new key is then generated and printed once\)/,
  },
];

describe("a master API key withdrawn in the dashboard stays withdrawn", () => {
  for (const { what, file, name, key, withdraw, rotate } of WITHDRAWN) {
    test(`${what}: every later run exits 0, skips it with a warning, prints no key and writes nothing`, async () => {
      const first = apply(file);
      expect(first.exitCode, shown(first)).toBe(0);
      // A key the files supply is not echoed (issue 8); a generated one is printed once.
      if (key !== null) expect(first.stdout, shown(first)).toContain(`Created master API key "${name}".\n`);
      if (key !== null) expect(first.stdout, shown(first)).not.toContain(key);
      const printed = key ?? printedKey(first, name);
      await withdraw(db.sql, name);
      const before = await checksumAllTables(db.sql);

      // Twice: an init container restarts, and each start must behave the same.
      for (const again of [apply(file), apply(file)]) {
        expect(again.exitCode, shown(again)).toBe(0);
        expect(again.stdout.trimEnd().split("\n"), shown(again)).toEqual([
          'Skipped organisation "Acme" (already exists).',
          `Skipped master API key "${name}" (revoked in the database).`,
          "Provisioning complete: 0 created, 2 skipped.",
        ]);
        expect(again.stderr, shown(again)).toMatch(
          new RegExp(
            `^warning: ${file.replace(".", "\\.")}:\\d+:\\d+: master API key "${name}" in organisation "Acme" was revoked or deleted in Flagsmith, so it is not created again\\. To issue a replacement, `,
            "m",
          ),
        );
        expect(again.stderr, shown(again)).toMatch(rotate);
        expect(again.stderr, shown(again)).not.toMatch(STACK_LINE);
        // Neither the key nor even its prefix: the skip has no secret to show.
        expect(again.stdout + again.stderr, shown(again)).not.toContain(printed.split(".")[0]!);
        expect(await checksumAllTables(db.sql)).toBe(before);
      }
      expect(await rowsNamed(name)).toBe(1);
    });
  }

  test("--dry-run and --output json show it as a skip with the warning, and no key", async () => {
    const before = await checksumAllTables(db.sql);
    const dry = apply("fixed.yaml", "--dry-run");
    expect(dry.exitCode, shown(dry)).toBe(0);
    expect(dry.stdout.trimEnd().split("\n"), shown(dry)).toEqual([
      'Would skip organisation "Acme" (already exists).',
      'Would skip master API key "Fixed" (revoked in the database).',
      "Dry run complete: 0 would be created, 2 skipped. Nothing was written.",
    ]);
    expect(dry.stderr).toContain('master API key "Fixed" in organisation "Acme" was revoked or deleted in Flagsmith');

    for (const flags of [
      ["--output", "json"],
      ["--output", "json", "--dry-run"],
    ]) {
      const ran = cli("--file", "org.yaml", "--file", "fixed.yaml", "--file", "generated.yaml", ...flags);
      expect(ran.exitCode, shown(ran)).toBe(0);
      const doc = JSON.parse(ran.stdout);
      expect(doc.summary).toEqual({ created: 0, skipped: 3, differ: 0 });
      expect(doc.actions).toEqual([
        { kind: "organisation", op: "skip", reported: true, name: "Acme" },
        { kind: "masterApiKey", op: "skip", reported: true, name: "Fixed", organisation: "Acme", reason: "revoked" },
        {
          kind: "masterApiKey",
          op: "skip",
          reported: true,
          name: "Generated",
          organisation: "Acme",
          reason: "revoked",
        },
      ]);
      expect(doc.secrets).toEqual([]);
      expect(doc.warnings).toHaveLength(2);
      expect(doc.warnings[0]).toMatch(
        /^fixed\.yaml:\d+:\d+: master API key "Fixed" in organisation "Acme" was revoked/,
      );
      expect(doc.warnings[1]).toMatch(
        /^generated\.yaml:\d+:\d+: master API key "Generated" in organisation "Acme" was revoked/,
      );
      expect(ran.stdout + ran.stderr).not.toContain("fixedkey");
    }
    expect(await checksumAllTables(db.sql)).toBe(before);
  });

  test("the revoked key under another name is still refused: its prefix stays taken (exit 2, nothing written)", async () => {
    const before = await checksumAllTables(db.sql);
    const ran = apply("renamed.yaml");
    expectCleanFailure(ran, 2, {
      secrets: [FIXED],
      message: /renamed\.yaml:\d+:\d+: error: master API key "Fixed renamed": the key's prefix "fixedkey"/,
    });
    expect(await checksumAllTables(db.sql)).toBe(before);
    expect(await rowsNamed("Fixed renamed")).toBe(0);
  });

  test("following the warning rotates it: a new name and a new key are created", async () => {
    const ran = apply("rotated.yaml");
    expect(ran.exitCode, shown(ran)).toBe(0);
    expect(ran.stdout, shown(ran)).toContain('Created master API key "Fixed 2".\n');
    expect(ran.stdout, shown(ran)).not.toContain(ROTATED);
    expect(ran.stderr).not.toContain("warning");
    const [row] = await db.sql<
      { revoked: boolean; deleted_at: Date | null }[]
    >`select revoked, deleted_at from api_keys_masterapikey where name = 'Fixed 2'`;
    expect(row).toEqual({ revoked: false, deleted_at: null });
  });
});
