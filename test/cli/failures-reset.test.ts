import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { availableSchemas, checksumAllTables, createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { ensureBinary, run, tempDir } from "../helpers/binary.ts";
import { expectCleanFailure } from "../helpers/failure.ts";

// Issue 8, item 7: `reset --yes` must never delete another organisation's data, and must say which
// source it uses when none is given. Through the compiled binary, against the newest schema here.
setDefaultTimeout(120_000);

const SCHEMA = availableSchemas().includes("v2.265.0") ? "v2.265.0" : "fixture";
const ALICE_PASSWORD = "Alice-s3cret-passw0rd";

/** What the sources declare: alice and her organisation Acme. */
const ACME = `version: "1.0"
users:
  - email: alice@example.com
    password: ${ALICE_PASSWORD}
organisations:
  - name: Acme
    members:
      - email: alice@example.com
        role: ADMIN
projects:
  - name: Acme project
    organisation: Acme
`;

/**
 * What someone else did on the same instance (as in the dashboard): an organisation Other where alice (already there)
 * is ADMIN, in a group, with a project permission.
 */
const OTHER = `version: "1.0"
users:
  - email: bob@example.com
organisations:
  - name: Other
    members:
      - email: alice@example.com
        role: ADMIN
      - email: bob@example.com
        role: USER
    groups:
      - name: Other admins
        members: [alice@example.com, bob@example.com]
projects:
  - name: Other project
    organisation: Other
    permissions:
      - user: alice@example.com
        admin: true
        permissions: [VIEW_PROJECT]
`;

let binary: string;
let db: TestDatabase;
let cwd: string;

const cli = (args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) =>
  run([binary, ...args], { cwd: options.cwd ?? cwd, env: { DATABASE_URL: db.url, ...options.env } });

beforeAll(async () => {
  binary = ensureBinary();
  cwd = tempDir("fsp-reset-");
  writeFileSync(join(cwd, "acme.yaml"), ACME);
  writeFileSync(join(cwd, "other.yaml"), OTHER);
  db = await createTestDatabase(SCHEMA);
});
afterAll(async () => db?.drop());

describe(`reset --yes with a declared user in an undeclared organisation (${SCHEMA})`, () => {
  test("refuses with exit 2 naming the user and the organisation; the database is unchanged", async () => {
    expect(cli(["--file", "acme.yaml"]).exitCode).toBe(0);
    expect(cli(["--file", "other.yaml"]).exitCode).toBe(0);
    // alice changed her password in the dashboard: a reset must not take that either.
    await db.sql`update users_ffadminuser set password = 'pbkdf2_sha256$1000000$changed$changed=' where email = 'alice@example.com'`;
    const [before] = await db.sql`
      select (select count(*)::int from users_userpermissiongroup_users g join users_ffadminuser u on u.id = g.ffadminuser_id where u.email = 'alice@example.com') as groups,
             (select count(*)::int from projects_userprojectpermission p join users_ffadminuser u on u.id = p.user_id where u.email = 'alice@example.com') as permissions`;
    expect(before).toEqual({ groups: 1, permissions: 1 }); // the scenario really has them
    const checksum = await checksumAllTables(db.sql);

    for (const args of [
      ["reset", "--yes", "--file", "acme.yaml"],
      ["reset", "--yes", "--dry-run", "--file", "acme.yaml"],
      ["reset", "--yes", "--output", "json", "--file", "acme.yaml"],
    ]) {
      const ran = cli(args);
      expectCleanFailure(ran, 2, {
        secrets: [ALICE_PASSWORD, "pbkdf2_sha256$1000000$changed"],
        message:
          /^acme\.yaml:3:5: error: user "alice@example\.com" is also a member of organisation "Other", which the sources do not declare; reset would delete their membership and data there \(organisations_userorganisation, projects_userprojectpermission, users_userpermissiongroup_users\)\n  hint: declare organisation "Other" in the sources too .*nothing was changed$/m,
      });
      expect(ran.stdout).toBe("");
      expect(ran.stderr).not.toContain("Reset:");
      expect(await checksumAllTables(db.sql)).toBe(checksum);
    }
  });

  test("declaring that organisation too makes the reset go ahead", () => {
    const ran = cli(["reset", "--yes", "--file", "acme.yaml", "--file", "other.yaml"]);
    expect(ran.exitCode).toBe(0);
    expect(ran.stderr).toMatch(/^Reset: deleted 2 organisations, 2 users and \d+ rows that belonged to them/m);
  });

  test("--include-member-organisations deletes the declared users' other organisations too (the e2e loop)", async () => {
    // As after Flagsmith's UI tests: alice belongs to Other again, which acme.yaml does not declare.
    expect(cli(["--file", "other.yaml"]).exitCode).toBe(0);
    expectCleanFailure(cli(["reset", "--yes", "--file", "acme.yaml"]), 2, {
      message: /organisation "Other", which the sources do not declare/,
    });
    const ran = cli(["reset", "--yes", "--include-member-organisations", "--file", "acme.yaml"]);
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stderr).toMatch(/^Reset: deleted 2 organisations, 1 user and \d+ rows that belonged to them/m);
    expect(await db.sql`select 1 from organisations_organisation where name = 'Other'`).toHaveLength(0);
    expect(ran.stdout.trimEnd().split("\n").at(-1)).toMatch(/^Provisioning complete: \d+ created, 0 skipped\.$/);
  });
});

describe("reset without --file, --directory or --preset names its source before deleting anything", () => {
  test("the embedded bootstrap preset", () => {
    const ran = cli(["reset", "--yes", "--dry-run"], { cwd: tempDir("fsp-reset-empty-") });
    expect(ran.exitCode).toBe(0);
    const lines = ran.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("Resetting from the embedded bootstrap preset (no --file, --directory or --preset given).");
    expect(lines.findIndex((l) => l.startsWith("Would reset:"))).toBeGreaterThan(0);
  });

  test("PROVISIONING_DIRECTORY", () => {
    const dir = tempDir("fsp-reset-dir-");
    writeFileSync(join(dir, "acme.yaml"), ACME);
    writeFileSync(join(dir, "other.yaml"), OTHER);
    const ran = cli(["reset", "--yes", "--dry-run"], { env: { PROVISIONING_DIRECTORY: dir } });
    expect(ran.exitCode).toBe(0);
    expect(ran.stderr.split("\n")[0]).toBe(`Resetting from directory "${dir}" (PROVISIONING_DIRECTORY).`);
  });

  test("./provisioning in the current directory, named before the refusal too", async () => {
    const here = tempDir("fsp-reset-cwd-");
    mkdirSync(join(here, "provisioning"));
    writeFileSync(join(here, "provisioning", "acme.yaml"), ACME);
    expect(cli(["--file", "other.yaml"]).exitCode).toBe(0); // alice is in Other (still, or again)
    const checksum = await checksumAllTables(db.sql);
    const ran = cli(["reset", "--yes"], { cwd: here });
    expectCleanFailure(ran, 2, { message: /is also a member of organisation "Other"/ });
    expect(ran.stderr.split("\n")[0]).toBe(
      'Resetting from directory "provisioning" (found in the current directory; no --file, --directory or --preset given).',
    );
    expect(await checksumAllTables(db.sql)).toBe(checksum);
  });

  test("with source options, nothing is announced", () => {
    const ran = cli(["reset", "--yes", "--dry-run", "--file", "acme.yaml", "--file", "other.yaml"]);
    expect(ran.exitCode).toBe(0);
    expect(ran.stderr).not.toContain("Resetting from");
  });
});
