import type postgres from "postgres";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { UserError } from "../../src/errors.ts";
import { readCatalog } from "../../src/flagsmith/sql/catalog.ts";
import { resetDeclared, type ResetTargets } from "../../src/flagsmith/reset.ts";
import { organisationPaths } from "../../src/flagsmith/reset-guard.ts";
import {
  availableSchemas,
  checksumAllTables,
  createTestDatabase,
  noticeMissingDumps,
  type TestDatabase,
} from "../helpers/database.ts";
import { createSeeder } from "../helpers/reset-fixture.ts";
import { ALICE_IN_OTHER, DECLARED, seedScenario, type AliceInOther } from "../helpers/reset-scenario.ts";

noticeMissingDumps("reset refusal");
setDefaultTimeout(60_000);

/** Runs the reset in a transaction and returns what it threw (the transaction is rolled back by the throw). */
async function refusal(db: TestDatabase, targets: ResetTargets = DECLARED): Promise<UserError> {
  const error = await db.sql.begin((tx) => resetDeclared(tx, targets)).catch((e) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

/** Runs `fn` in a transaction that is always rolled back. */
async function rolledBack(
  db: TestDatabase,
  fn: (tx: postgres.TransactionSql, sql: postgres.Sql) => Promise<void>,
): Promise<void> {
  const rollback = new Error("rollback");
  await db.sql
    .begin(async (tx) => {
      await fn(tx, tx as unknown as postgres.Sql);
      throw rollback;
    })
    .catch((e) => {
      if (e !== rollback) throw e;
    });
}

const MEMBER =
  'user "alice@example.com" is also a member of organisation "Other", which the sources do not declare; reset would delete their membership and data there';

for (const schema of availableSchemas()) {
  // One database per schema; each case seeds in a transaction that is rolled back, and resets in a savepoint.
  describe(`reset refuses on ${schema} when a declared user belongs to an undeclared organisation`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase(schema);
    });
    afterAll(async () => db?.drop());

    /**
     * Seeds the scenario with the given rows of alice in Other, then resets in a savepoint: what it threw, and whether
     * anything changed.
     */
    async function attempt(sql: postgres.Sql, tx: postgres.TransactionSql, pick: (row: AliceInOther) => boolean) {
      const seeded = await seedScenario(sql, { aliceInOther: pick });
      const present = (Object.keys(ALICE_IN_OTHER) as AliceInOther[]).filter((name) =>
        seeded.some((s) => s.name === `b${name}`),
      );
      const before = await checksumAllTables(sql);
      const error = await tx
        .savepoint((sp) => resetDeclared(sp, DECLARED))
        .then(
          () => null,
          (e: unknown) => e,
        );
      return { error, present, unchanged: (await checksumAllTables(sql)) === before };
    }

    test("every row alice has in Other is named, under one issue, and nothing changes", async () => {
      await rolledBack(db, async (tx, sql) => {
        const { error, present, unchanged } = await attempt(sql, tx, () => true);
        const tables = present.map((name) => ALICE_IN_OTHER[name]);
        expect(error).toBeInstanceOf(UserError);
        if (!(error instanceof UserError)) return;
        expect(unchanged).toBe(true);
        expect(error.exitCode).toBe(2);
        expect(error.issues).toHaveLength(1);
        expect(error.issues[0]!.rule).toBe("reset-undeclared-organisation");
        expect(error.issues[0]!.message).toBe(`${MEMBER} (${[...tables].sort().join(", ")})`);
        expect(error.issues[0]!.hint).toContain('declare organisation "Other" in the sources too');
        expect(error.issues[0]!.hint).toContain("nothing was changed");
        expect(tables.length).toBeGreaterThanOrEqual(schema === "fixture" ? 4 : 9);
      });
    });

    // Each path alone: a declared user's deletion must never reach another organisation's rows.
    for (const [row, table] of Object.entries(ALICE_IN_OTHER) as [AliceInOther, string][]) {
      test(`${table} alone (${row}) is refused`, async () => {
        await rolledBack(db, async (tx, sql) => {
          const { error, present, unchanged } = await attempt(sql, tx, (r) => r === row);
          // A schema without that table: nothing of alice's in Other, so the reset goes ahead.
          if (!present.length) return expect(error).toBeNull();
          expect(present).toEqual([row]);
          expect(error).toBeInstanceOf(UserError);
          expect(unchanged).toBe(true);
          const expected =
            row === "CrossMember"
              ? `${MEMBER} (${table})`
              : `user "alice@example.com" has data in organisation "Other", which the sources do not declare; reset would delete it (${table})`;
          expect((error as UserError).issues.map((i) => i.message)).toEqual([expected]);
        });
      });
    }
  });
}

describe("refusal details", () => {
  const schema = availableSchemas().at(-1)!;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(schema);
  });
  afterAll(async () => db?.drop());

  test("a soft-deleted undeclared organisation counts, and says so; the issue points at the user's declaration", async () => {
    const s = await createSeeder(db.sql);
    const alice = await s.insert("users_ffadminuser", { email: "alice@example.com" });
    const gone = await s.insert("organisations_organisation", { name: "Gone Ltd", deleted_at: new Date() });
    await s.insert("organisations_userorganisation", { organisation_id: gone.id, user_id: alice.id, role: "ADMIN" });
    const before = await checksumAllTables(db.sql);
    const position = { file: "users.yaml", line: 3, column: 5 };
    const { issues } = await refusal(db, {
      organisations: [],
      emails: ["ALICE@example.com"],
      userSources: new Map([["alice@example.com", position]]),
    });
    expect(issues).toEqual([
      {
        rule: "reset-undeclared-organisation",
        message:
          'user "alice@example.com" is also a member of organisation "Gone Ltd" (deleted in Flagsmith, but still in the database), which the sources do not declare; reset would delete their membership and data there (organisations_userorganisation)',
        hint: expect.stringContaining('declare organisation "Gone Ltd"'),
        position,
      },
    ]);
    expect(await checksumAllTables(db.sql)).toBe(before);
    // Declaring that organisation too makes the reset legitimate.
    const done = await db.sql.begin((tx) =>
      resetDeclared(tx, { organisations: ["Gone Ltd"], emails: ["alice@example.com"] }),
    );
    expect(done.deleted).toMatchObject({
      organisations_organisation: 1,
      users_ffadminuser: 1,
      organisations_userorganisation: 1,
    });
  });

  test("deeper in the walk: a row that reaches another organisation through a user's own row is refused too", async () => {
    // Flagsmith has no such chain today; an extension could (a user's token used by a project's integration).
    await db.sql.unsafe(`
      create table public.extra_badge (id serial primary key, user_id integer not null references public.users_ffadminuser deferrable initially deferred);
      create table public.extra_badge_use (id serial primary key, badge_id integer not null references public.extra_badge deferrable initially deferred,
        project_id integer not null references public.projects_project deferrable initially deferred)`);
    const s = await createSeeder(db.sql);
    const bob = await s.insert("users_ffadminuser", { email: "bob@example.com" });
    const other = await s.insert("organisations_organisation", { name: "Other" });
    const project = await s.insert("projects_project", { organisation_id: other.id, name: "Other project" });
    const badge = await s.insert("extra_badge", { user_id: bob.id });
    await s.insert("extra_badge_use", { badge_id: badge.id, project_id: project.id });
    const before = await checksumAllTables(db.sql);
    const { issues } = await refusal(db, { organisations: [], emails: ["bob@example.com"] });
    expect(issues.map((i) => i.message)).toEqual([
      'a declared user has data in organisation "Other", which the sources do not declare; reset would delete it (extra_badge_use)',
    ]);
    expect(await checksumAllTables(db.sql)).toBe(before);
  });

  test("organisation chains prefer NOT NULL references and never go through users", async () => {
    const paths = organisationPaths((await readCatalog(db.sql)).foreignKeys);
    const chain = (table: string) => paths.get(table)?.map((fk) => `${fk.table}.${fk.column}`);
    expect(chain("organisations_organisation")).toEqual([]);
    expect(chain("environments_userenvironmentpermission")).toEqual([
      "environments_userenvironmentpermission.environment_id",
      "environments_environment.project_id",
      "projects_project.organisation_id",
    ]);
    expect(paths.has("users_ffadminuser")).toBe(false);
    if (paths.has("workflows_core_changerequestapproval")) {
      // change requests have a nullable environment and a NOT NULL project: the project is the way up.
      expect(chain("workflows_core_changerequestapproval")).toEqual([
        "workflows_core_changerequestapproval.change_request_id",
        "workflows_core_changerequest.project_id",
        "projects_project.organisation_id",
      ]);
      expect(paths.has("authtoken_token")).toBe(false);
      expect(paths.has("auth_permission")).toBe(false);
    }
  });
});
