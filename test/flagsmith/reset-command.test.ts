import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { resetCommand } from "../../src/commands/reset.ts";
import type { Io } from "../../src/io.ts";
import type { ApplyOptions } from "../../src/commands/options.ts";
import { UserError } from "../../src/errors.ts";
import {
  availableSchemas,
  checksumAllTables,
  createTestDatabase,
  noticeMissingDumps,
  type TestDatabase,
} from "../helpers/database.ts";
import { createSeeder } from "../helpers/reset-fixture.ts";

noticeMissingDumps("reset command");
setDefaultTimeout(60_000);

const E2E_USER = "e2e_user@flagsmithe2etestdomain.io";

function options(extra: Partial<ApplyOptions> = {}): ApplyOptions {
  return { files: [], preset: "e2e", dryRun: false, output: "text", showEnvironmentKeys: false, ...extra };
}

function capture(url: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    env: { DATABASE_URL: url },
    cwd: "/nonexistent",
    color: false,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    stdout,
    stderr,
  };
}

/** Row counts of every table except the history tables (which a reset keeps, see src/flagsmith/reset.ts). */
async function counts(db: TestDatabase): Promise<Record<string, number>> {
  const rows = await db.sql<{ table: string; n: number }[]>`
    select c.relname as "table", (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from public.%I', c.relname), false, true, '')))[1]::text::int as n
    from pg_class c join pg_namespace s on s.oid = c.relnamespace
    where s.nspname = 'public' and c.relkind = 'r' and c.relname not like '%\\_historical%' order by 1`;
  return Object.fromEntries(rows.map((r) => [r.table, r.n]));
}

test("reset refuses without --yes, before reading any source or database", async () => {
  const io = capture("postgres://nobody@127.0.0.1:1/none");
  const error = await resetCommand(options({ preset: "no-such-preset" }), false, io).catch((e) => e);
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(2);
  expect((error as UserError).message).toContain("reset deletes every organisation and user declared in the sources");
  expect((error as UserError).message).toContain("re-run with --yes");
  expect(io.stdout).toEqual([]);
});

for (const schema of availableSchemas()) {
  describe(`reset --yes --preset e2e on ${schema}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase(schema);
    });
    afterAll(async () => db?.drop());

    test("replaces the e2e teardown + seed: declared data recreated as new, everything else kept", async () => {
      const first = capture(db.url);
      await resetCommand(options(), true, first);
      expect(first.stderr).toContain("Reset: deleted 0 organisations, 0 users and 0 rows that belonged to them.");
      expect(first.stdout.at(-1)).toMatch(/^Provisioning complete: \d+ created, 0 skipped\.$/);
      const provisioned = await counts(db);

      // What a test run leaves behind: a project in a declared organisation, an edited user, and an
      // organisation the sources do not declare, with its own user.
      const seed = await createSeeder(db.sql);
      const [bt] = await db.sql`select id from organisations_organisation where name = 'Bullet Train Ltd'`;
      const [e2eUser] = await db.sql`select id from users_ffadminuser where email = ${E2E_USER}`;
      const extra = await seed.insert("projects_project", { organisation_id: bt!.id, name: "Made by a UI test" });
      await seed.insert("features_feature", { project_id: extra.id, name: "made_by_a_ui_test" });
      await db.sql`update users_ffadminuser set first_name = 'Changed' where id = ${e2eUser!.id}`;
      const outsider = await seed.insert("organisations_organisation", { name: "Outsider Ltd" });
      const outsiderUser = await seed.insert("users_ffadminuser", { email: "outsider@example.com" });
      await seed.insert("organisations_userorganisation", {
        organisation_id: outsider.id,
        user_id: outsiderUser.id,
        role: "ADMIN",
      });

      const second = capture(db.url);
      await resetCommand(options(), true, second);
      expect(second.stdout).toEqual(first.stdout);
      expect(second.stderr.find((l) => l.startsWith("Reset:"))).toMatch(
        /^Reset: deleted 3 organisations, 7 users and \d+ rows that belonged to them\.$/,
      );

      // Declared data is exactly as freshly seeded; the outsider organisation, its user and their membership are kept.
      const now = await counts(db);
      expect(now).toEqual({
        ...provisioned,
        organisations_organisation: provisioned.organisations_organisation! + 1,
        users_ffadminuser: provisioned.users_ffadminuser! + 1,
        organisations_userorganisation: provisioned.organisations_userorganisation! + 1,
      });
      expect(await db.sql`select 1 from projects_project where name = 'Made by a UI test'`).toHaveLength(0);
      const [user] = await db.sql`select id, first_name from users_ffadminuser where email = ${E2E_USER}`;
      expect(user!.first_name).toBe("");
      expect(user!.id).not.toBe(e2eUser!.id);
      const members = await db.sql`
        select u.email from organisations_userorganisation m join users_ffadminuser u on u.id = m.user_id where m.organisation_id = ${outsider.id as number}`;
      expect(members.map((m) => m.email)).toEqual(["outsider@example.com"]);
    });

    test("a declared user who is also a member of an undeclared organisation: refused, naming both, nothing changed", async () => {
      const [outsider] = await db.sql`select id from organisations_organisation where name = 'Outsider Ltd'`;
      const [e2eUser] = await db.sql`select id from users_ffadminuser where email = ${E2E_USER}`;
      const seed = await createSeeder(db.sql);
      const membership = await seed.insert("organisations_userorganisation", {
        organisation_id: outsider!.id,
        user_id: e2eUser!.id,
        role: "USER",
      });
      const before = await checksumAllTables(db.sql);
      for (const dryRun of [false, true]) {
        const io = capture(db.url);
        const error = await resetCommand(options({ dryRun }), true, io).catch((e) => e);
        expect(error).toBeInstanceOf(UserError);
        expect((error as UserError).exitCode).toBe(2);
        expect((error as UserError).issues).toEqual([
          {
            rule: "reset-undeclared-organisation",
            message: `user "${E2E_USER}" is also a member of organisation "Outsider Ltd", which the sources do not declare; reset would delete their membership and data there (organisations_userorganisation)`,
            hint: expect.stringContaining("nothing was changed"),
            position: { file: "preset:e2e/e2e.yaml", line: 28, column: 5 },
          },
        ]);
        expect(io.stdout).toEqual([]);
        expect(await checksumAllTables(db.sql)).toBe(before);
      }
      // What the hint suggests: remove the membership, and reset goes ahead again.
      await db.sql`delete from organisations_userorganisation where id = ${membership.id as number}`;
    });

    test("--include-member-organisations deletes the declared users' other organisations too, as Flagsmith's e2e teardown does", async () => {
      // A UI test renamed a seeded organisation: the e2e user is now ADMIN of one the preset does not declare.
      const seed = await createSeeder(db.sql);
      const renamed = await seed.insert("organisations_organisation", { name: "Test Organisation" });
      const [e2eUser] = await db.sql`select id from users_ffadminuser where email = ${E2E_USER}`;
      await seed.insert("organisations_userorganisation", {
        organisation_id: renamed.id,
        user_id: e2eUser!.id,
        role: "ADMIN",
      });
      await seed.insert("projects_project", { organisation_id: renamed.id, name: "Left by a UI test" });
      const io = capture(db.url);
      await resetCommand({ ...options(), memberOrganisations: true }, true, io);
      expect(io.stderr.find((l) => l.startsWith("Reset:"))).toMatch(/^Reset: deleted 4 organisations, 7 users/);
      expect(await db.sql`select 1 from organisations_organisation where name = 'Test Organisation'`).toHaveLength(0);
      expect(await db.sql`select 1 from projects_project where name = 'Left by a UI test'`).toHaveLength(0);
      // An organisation no declared user belongs to is still kept.
      expect(await db.sql`select 1 from organisations_organisation where name = 'Outsider Ltd'`).toHaveLength(1);
    });

    test("--dry-run resets and provisions inside a transaction it rolls back", async () => {
      const before = await checksumAllTables(db.sql);
      const io = capture(db.url);
      await resetCommand(options({ dryRun: true }), true, io);
      expect(io.stderr.find((l) => l.startsWith("Would reset:"))).toMatch(
        /^Would reset: deleted 3 organisations, 7 users and \d+ rows/,
      );
      expect(io.stdout.at(-1)).toMatch(/^Dry run complete: \d+ would be created, 0 skipped\. Nothing was written\.$/);
      expect(await checksumAllTables(db.sql)).toBe(before);
    });
  });
}
