import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { STACK_LINE, ensureBinary, run, tempDir } from "../helpers/binary.ts";

// Building the binary and creating databases take seconds on a busy machine; hooks included.
setDefaultTimeout(120_000);

/** The binary end to end against a real (fixture-schema) database: the contract's bootstrap output. */
let binary: string;
let db: TestDatabase;
let cwd: string;

beforeAll(async () => {
  binary = ensureBinary();
  cwd = tempDir();
  db = await createTestDatabase("fixture");
});
afterAll(async () => {
  await db?.drop();
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  run([binary, ...args], { cwd, env: { DATABASE_URL: db.url, DJANGO_SECRET_KEY: "test-secret", ...env } });

describe("bootstrap preset against a database", () => {
  test("a dry run plans against the database and writes nothing", async () => {
    const ran = cli(["--preset", "bootstrap", "--dry-run"]);
    expect(ran.stderr).not.toContain("No database configured");
    expect(ran.stdout.trimEnd().split("\n")).toEqual([
      'Would create user "admin@example.com".',
      'Would create organisation "Default Organisation".',
      'Would create project "Default Project".',
      "Dry run complete: 3 would be created, 0 skipped. Nothing was written.",
    ]);
    expect(ran.exitCode).toBe(0);
    const rows = await db.sql<{ n: number }[]>`select count(*)::int as n from users_ffadminuser`;
    expect(rows[0]?.n).toBe(0);
  });

  test("the first run creates and prints the reset link after the user line", () => {
    const ran = cli(["--preset", "bootstrap"]);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    const lines = ran.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe('Created user "admin@example.com".');
    expect(lines[1]).toMatch(
      /^Please go to the following page and choose a password: http:\/\/localhost:8000\/password-reset\/confirm\/\S+\/\S+$/,
    );
    expect(lines.slice(2)).toEqual([
      'Created organisation "Default Organisation".',
      'Created project "Default Project".',
      "Provisioning complete: 3 created, 0 skipped.",
    ]);
    expect(ran.exitCode).toBe(0);
  });

  test("a second run skips everything", () => {
    const ran = cli(["--preset", "bootstrap"]);
    expect(ran.stdout.trimEnd().split("\n")).toEqual([
      'Skipped user "admin@example.com" (already exists).',
      'Skipped organisation "Default Organisation" (already exists).',
      'Skipped project "Default Project" (already exists).',
      "Provisioning complete: 0 created, 3 skipped.",
    ]);
    expect(ran.exitCode).toBe(0);
  });

  test("--output json on a real run carries the secrets; a new member of an existing organisation counts", () => {
    const ran = cli(["--preset", "bootstrap", "--output", "json"], { ADMIN_EMAIL: "second@example.com" });
    expect(ran.exitCode).toBe(0);
    const doc = JSON.parse(ran.stdout);
    expect(doc).toMatchObject({ dryRun: false, offline: false, summary: { created: 2, skipped: 2 } });
    expect(doc.secrets).toEqual([
      expect.objectContaining({ kind: "resetLink", for: { kind: "user", name: "second@example.com" } }),
    ]);
  });

  test("reset refuses without --yes, and with it re-creates what the sources declare", () => {
    const refused = cli(["reset", "--preset", "bootstrap"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("--yes");
    const ran = cli(["reset", "--yes", "--preset", "bootstrap"]);
    expect(ran.stderr).toContain("Reset: deleted 1 organisation, 1 user");
    expect(ran.stdout).toContain('Created user "admin@example.com".');
    expect(ran.stdout).toContain("Provisioning complete: 3 created, 0 skipped.");
    expect(ran.exitCode).toBe(0);
  });

  test("an unreachable database is a clean runtime error, exit 1", () => {
    const ran = cli(["--preset", "bootstrap"], { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" });
    expect(ran.exitCode).toBe(1);
    expect(ran.stderr).toMatch(/error/);
    expect(ran.stderr).not.toMatch(STACK_LINE);
  });
});
