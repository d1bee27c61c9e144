/**
 * Drift on the organisation side (issue 11): users, memberships, subscriptions, groups, permissions at each level and
 * master API keys. Each test changes the database as a dashboard user would, then a dry run with --detailed-exitcode
 * names the difference on the Skipped line (nested items get a line only then) and in the JSON drift entries, exits
 * 5 and changes nothing. Secrets (passwords, keys) are never compared.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { checksumAllTables, createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { SCHEMA } from "../helpers/run.ts";
import { ensureBinary, run } from "../helpers/binary.ts";
import { applyRun, checkDrift, writeYaml } from "../helpers/drift-check.ts";

const FILE = writeYaml(
  "organisation.yaml",
  `version: "1.0"
users:
  - { email: admin@drift.example, first_name: Ada, is_superuser: true, password: "Drift-Pw-1234" }
  - { email: dev@drift.example }
organisations:
  - name: Drift Org
    members:
      - { email: admin@drift.example, role: ADMIN }
      - { email: dev@drift.example, role: USER }
    subscription: { plan: scale-up, seats: 20 }
    groups:
      - { name: Developers, is_default: false, members: [dev@drift.example] }
    permissions:
      - { user: dev@drift.example, permissions: [CREATE_PROJECT, MANAGE_USER_GROUPS] }
master_api_keys:
  - { name: CI, organisation: Drift Org, is_admin: true }
projects:
  - name: Drift App
    organisation: Drift Org
    permissions:
      - { user: dev@drift.example, permissions: [VIEW_PROJECT, CREATE_FEATURE], admin: false }
    environments:
      - name: Production
        permissions:
          - { user: dev@drift.example, permissions: [VIEW_ENVIRONMENT], admin: true }
`,
);
const files = { files: [FILE] };
/** Reported skips when nothing differs: the users, the organisation, the master key, the project, the environment. */
const SKIPPED = 6;
const summary = (differ: number) =>
  `Dry run complete: 0 would be created, ${SKIPPED + differ} skipped, ${differ} differ. Nothing was written.`;

describe(`drift of users, organisations, members, groups, permissions and master API keys (${SCHEMA})`, () => {
  let db: TestDatabase;
  let applied: string;
  beforeAll(async () => {
    db = await createTestDatabase(SCHEMA);
    const first = await applyRun(db.url, files);
    expect(first.lines.at(-1)).toMatch(/^Provisioning complete: \d+ created, 0 skipped\.$/);
    applied = await checksumAllTables(db.sql);
  }, 60_000);
  afterAll(() => db.drop(), 60_000);

  async function withChange(change: () => Promise<unknown>, undo: () => Promise<unknown>) {
    await change();
    try {
      const before = await checksumAllTables(db.sql);
      const result = await checkDrift(db.url, files);
      expect(await checksumAllTables(db.sql)).toBe(before);
      return result;
    } finally {
      await undo();
      expect(await checksumAllTables(db.sql)).toBe(applied);
    }
  }
  const driftOf = (report: Awaited<ReturnType<typeof checkDrift>>["report"], kind: string) =>
    report.actions.filter((a) => a.kind === kind && a.drift).map((a) => a.drift);

  test("right after the apply nothing differs (the password is not compared): exit 0", async () => {
    const { code, lines, report } = await checkDrift(db.url, files);
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe(`Dry run complete: 0 would be created, ${SKIPPED} skipped. Nothing was written.`);
    expect(report.actions.filter((a) => a.drift)).toEqual([]);
  }, 30_000);

  test("a member demoted in the database: the line names the stored role, not the declared one", async () => {
    const { code, lines, report } = await withChange(
      () =>
        db.sql`update organisations_userorganisation set role = 'USER'
               where user_id = (select id from users_ffadminuser where email = 'admin@drift.example')`,
      () =>
        db.sql`update organisations_userorganisation set role = 'ADMIN'
               where user_id = (select id from users_ffadminuser where email = 'admin@drift.example')`,
    );
    expect(code).toBe(5);
    expect(lines).toContain(
      'Would skip user "admin@drift.example" to organisation "Drift Org" as USER (already exists; differs: role is "USER" in the database, "ADMIN" in the files).',
    );
    expect(lines.at(-1)).toBe(summary(1));
    const membership = report.actions.find((a) => a.kind === "membership" && a.name === "admin@drift.example")!;
    expect(membership.role).toBe("USER");
    expect(membership.drift).toEqual([{ field: "role", database: "USER", files: "ADMIN" }]);
  }, 30_000);

  test("a user renamed and stripped of superuser; a changed password is not drift (never compared)", async () => {
    const [row] = await db.sql<{ password: string }[]>`
      select password from users_ffadminuser where email = 'admin@drift.example'`;
    const password = row!.password;
    const { code, lines, report } = await withChange(
      () =>
        db.sql`update users_ffadminuser set first_name = 'Adele', is_superuser = false, password = 'other'
               where email = 'admin@drift.example'`,
      () =>
        db.sql`update users_ffadminuser set first_name = 'Ada', is_superuser = true, password = ${password}
               where email = 'admin@drift.example'`,
    );
    expect(code).toBe(5);
    expect(lines).toContain(
      'Would skip user "admin@drift.example" (already exists; differs: is_superuser is false in the database, true in the files; first_name is "Adele" in the database, "Ada" in the files).',
    );
    expect(JSON.stringify(report)).not.toContain("Drift-Pw-1234");
    expect(JSON.stringify(report)).not.toContain("password");
  }, 30_000);

  test("the subscription's seats changed (only the declared subscription fields are compared)", async () => {
    const org = db.sql`(select id from organisations_organisation where name = 'Drift Org')`;
    const { code, lines, report } = await withChange(
      () =>
        db.sql`update organisations_subscription set max_seats = 5, max_api_calls = 1 where organisation_id = ${org}`,
      () =>
        db.sql`update organisations_subscription set max_seats = 20, max_api_calls = 50000 where organisation_id = ${org}`,
    );
    expect(code).toBe(5);
    expect(lines).toContain(
      'Would skip organisation "Drift Org" (already exists; differs: subscription.seats is 5 in the database, 20 in the files).',
    );
    expect(driftOf(report, "organisation")).toEqual([[{ field: "subscription.seats", database: 5, files: 20 }]]);
  }, 30_000);

  test("a group made the default one", async () => {
    const { code, lines } = await withChange(
      () => db.sql`update users_userpermissiongroup set is_default = true where name = 'Developers'`,
      () => db.sql`update users_userpermissiongroup set is_default = false where name = 'Developers'`,
    );
    expect(code).toBe(5);
    expect(lines).toContain(
      'Would skip group "Developers" to organisation "Drift Org" (already exists; differs: is_default is true in the database, false in the files).',
    );
  }, 30_000);

  test("a permission key removed at each level, a project admin granted", async () => {
    const remove = (table: string, key: string) =>
      db.sql.unsafe(`delete from ${table} where permissionmodel_id = '${key}'`);
    const orgM2m = "organisation_permissions_userorganisationpermission_permissions";
    const envM2m = "environments_userenvironmentpermission_permissions";
    const saved = {
      org: await db.sql.unsafe(`select * from ${orgM2m} where permissionmodel_id = 'MANAGE_USER_GROUPS'`),
      env: await db.sql.unsafe(`select * from ${envM2m} where permissionmodel_id = 'VIEW_ENVIRONMENT'`),
    };
    const { code, lines, report } = await withChange(
      async () => {
        await remove(orgM2m, "MANAGE_USER_GROUPS");
        await remove(envM2m, "VIEW_ENVIRONMENT");
        await db.sql`update projects_userprojectpermission set admin = true`;
      },
      async () => {
        await db.sql`insert into ${db.sql(orgM2m)} ${db.sql(saved.org[0]!)}`;
        await db.sql`insert into ${db.sql(envM2m)} ${db.sql(saved.env[0]!)}`;
        await db.sql`update projects_userprojectpermission set admin = false`;
      },
    );
    expect(code).toBe(5);
    expect(lines).toContain(
      'Would skip permissions CREATE_PROJECT for user "dev@drift.example" to organisation "Drift Org" (already exists; differs: permissions is ["CREATE_PROJECT"] in the database, ["CREATE_PROJECT","MANAGE_USER_GROUPS"] in the files).',
    );
    expect(driftOf(report, "projectPermission")).toEqual([[{ field: "admin", database: true, files: false }]]);
    expect(driftOf(report, "environmentPermission")).toEqual([
      [{ field: "permissions", database: [], files: ["VIEW_ENVIRONMENT"] }],
    ]);
    expect(lines.at(-1)).toBe(summary(3));
  }, 30_000);

  test("a master API key made non-admin; through the binary: exit 5", async () => {
    ensureBinary();
    await db.sql`update api_keys_masterapikey set is_admin = false where name = 'CI'`;
    try {
      const ran = run([ensureBinary(), "--file", FILE, "--dry-run", "--detailed-exitcode"], {
        cwd: "/tmp",
        env: { DATABASE_URL: db.url },
      });
      expect(ran.exitCode).toBe(5);
      expect(ran.stdout).toContain(
        'Would skip master API key "CI" (already exists; differs: is_admin is false in the database, true in the files).',
      );
    } finally {
      await db.sql`update api_keys_masterapikey set is_admin = true where name = 'CI'`;
    }
    expect(await checksumAllTables(db.sql)).toBe(applied);
  }, 60_000);
});
