import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { applyCommand } from "../src/commands/apply.ts";
import type { Io } from "../src/io.ts";
import { verifyPassword } from "../src/flagsmith/django.ts";
import { PRESETS } from "../src/input/presets.ts";
import {
  availableSchemas,
  checksumAllTables,
  createTestDatabase,
  noticeMissingDumps,
  type TestDatabase,
} from "./helpers/database.ts";

// Every preset on every schema here: our fixture, and both real dumps when ../shared exists (issue 4).
noticeMissingDumps("presets.apply");
const E2E_REFERENCE = join(import.meta.dir, "..", "..", "shared", "flagsmith", "reference", "e2e.json");

async function applyPreset(preset: string, url: string): Promise<string[]> {
  const lines: string[] = [];
  const io: Io = {
    env: { DJANGO_SECRET_KEY: "test-secret" },
    cwd: import.meta.dir,
    out: (l) => lines.push(l),
    err: () => {},
    color: false,
  };
  await applyCommand(
    { files: [], preset, dryRun: false, output: "text", databaseUrl: url, showEnvironmentKeys: false },
    io,
  );
  return lines;
}

for (const SCHEMA of availableSchemas())
  describe(`presets applied to a database (${SCHEMA})`, () => {
    const databases = new Map<string, TestDatabase>();
    beforeAll(async () => {
      for (const preset of PRESETS) databases.set(preset.name, await createTestDatabase(SCHEMA));
    }, 60_000);
    afterAll(async () => {
      await Promise.all([...databases.values()].map((db) => db.drop()));
    }, 60_000);

    for (const preset of PRESETS) {
      test(`${preset.name}: applies, and a second run creates nothing and changes no row`, async () => {
        const db = databases.get(preset.name)!;
        const first = await applyPreset(preset.name, db.url);
        expect(first.at(-1)).toMatch(/^Provisioning complete: [1-9]\d* created, 0 skipped\.$/);
        const before = await checksumAllTables(db.sql);
        const second = await applyPreset(preset.name, db.url);
        expect(second.at(-1)).toMatch(/^Provisioning complete: 0 created, [1-9]\d* skipped\.$/);
        expect(await checksumAllTables(db.sql)).toBe(before);
      }, 60_000);
    }

    test("e2e writes the same number of rows per table as Flagsmith's own seed", async () => {
      if (!existsSync(E2E_REFERENCE))
        return console.warn("NOTICE: e2e reference snapshot not found; count comparison skipped");
      const reference = JSON.parse(readFileSync(E2E_REFERENCE, "utf8")).tables as Record<string, { count: number }>;
      const db = databases.get("e2e")!;
      for (const [table, { count }] of Object.entries(reference)) {
        const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from ${db.sql(table)}`;
        expect({ table, rows: row!.n }).toEqual({ table, rows: count });
      }
    });

    test("e2e users log in with Str0ngp4ssw0rd!, are not staff, and only the first has a username", async () => {
      const db = databases.get("e2e")!;
      const users = await db.sql<
        { email: string; password: string; username: string | null; is_staff: boolean; is_superuser: boolean }[]
      >`
      select email, password, username, is_staff, is_superuser from users_ffadminuser order by id`;
      expect(users).toHaveLength(7);
      for (const user of users) {
        expect(await verifyPassword("Str0ngp4ssw0rd!", user.password)).toBe(true);
        expect([user.is_staff, user.is_superuser]).toEqual([false, false]);
      }
      expect(users.filter((u) => u.username !== null).map((u) => u.username)).toEqual([
        "e2e_user@flagsmithe2etestdomain.io",
      ]);
    }, 30_000);

    test("the dev user logs in with testpass1 and is neither staff nor superuser", async () => {
      const db = databases.get("dev")!;
      const users = await db.sql<{ email: string; password: string; is_staff: boolean; is_superuser: boolean }[]>`
        select email, password, is_staff, is_superuser from users_ffadminuser order by id`;
      expect(users.map((u) => [u.email, u.is_staff, u.is_superuser])).toEqual([["local@flagsmith.com", false, false]]);
      expect(await verifyPassword("testpass1", users[0]!.password)).toBe(true);
    }, 30_000);

    test("the demo admin logs in with acme-demo-1234; the teammates have no usable password", async () => {
      const db = databases.get("demo")!;
      const users = await db.sql<
        { email: string; password: string }[]
      >`select email, password from users_ffadminuser order by id`;
      expect(users[0]!.email).toBe("admin@acme.example");
      expect(await verifyPassword("acme-demo-1234", users[0]!.password)).toBe(true);
      for (const user of users.slice(1)) expect(user.password).toStartWith("!");
    }, 30_000);
  });
