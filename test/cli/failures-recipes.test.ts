/**
 * Issue 8, item 13, through the compiled binary: the README's recipes run as written.
 * - 13: `presets show fof > provisioning/20-fof.yaml` next to other files applies cleanly and prints
 *   the environment key (the file asks for it with `show_key`), whatever app_domain the others set.
 */
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checksumAllTables, createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { ensureBinary, run, tempDir, type Ran } from "./binary.ts";

// Building the binary and creating databases take seconds on a busy machine; hooks included.
setDefaultTimeout(120_000);

let binary: string;
const databases: TestDatabase[] = [];
beforeAll(() => {
  binary = ensureBinary();
});
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

async function database(make: () => Promise<TestDatabase> = () => createTestDatabase("fixture")): Promise<TestDatabase> {
  const db = await make();
  databases.push(db);
  return db;
}

/** A working directory whose PATH has the binary as `flagsmith-provision`, with an empty provisioning/ beside it. */
function recipeDir(): string {
  const dir = tempDir("fsp-recipe-");
  mkdirSync(join(dir, "bin"));
  symlinkSync(binary, join(dir, "bin", "flagsmith-provision"));
  mkdirSync(join(dir, "provisioning"));
  return dir;
}

/** One shell line, exactly as the README writes it, in `dir`. */
function sh(dir: string, line: string, env: Record<string, string> = {}): Ran {
  return run(["sh", "-c", line], { cwd: dir, env: { PATH: `${join(dir, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`, ...env } });
}

const FOF_LINE = /^Created environment "Production" in project "Flagsmith on Flagsmith" \(API key: ([A-Za-z0-9]{22})\)\.$/m;

async function fofKeyInDatabase(db: TestDatabase): Promise<string> {
  const rows = await db.sql<{ api_key: string }[]>`
    select e.api_key from environments_environment e join projects_project p on p.id = e.project_id
    where p.name = 'Flagsmith on Flagsmith' and e.name = 'Production'`;
  expect(rows).toHaveLength(1);
  return rows[0]!.api_key;
}

/** The key is a secret: printed once, on stdout, and nowhere else. */
function expectPrintedOnce(ran: Ran, key: string): void {
  expect(ran.stdout.split(key)).toHaveLength(2);
  expect(ran.stderr).not.toContain(key);
}

describe("item 13: the fof preset saved as a file, as the README recommends", () => {
  test("next to bootstrap saved as 10-bootstrap.yaml: applies, prints the key once (the row's api_key); a re-run prints none", async () => {
    const dir = recipeDir();
    for (const line of [
      "flagsmith-provision presets show bootstrap > provisioning/10-bootstrap.yaml",
      "flagsmith-provision presets show fof > provisioning/20-fof.yaml",
    ]) {
      const saved = sh(dir, line);
      expect(saved.stderr).toBe("");
      expect(saved.exitCode).toBe(0);
    }
    const db = await database();
    const env = { DATABASE_URL: db.url, DJANGO_SECRET_KEY: "recipe-secret" };

    // No source given: ./provisioning/ is the default.
    const first = sh(dir, "flagsmith-provision", env);
    expect(first.exitCode, first.stderr).toBe(0);
    const key = first.stdout.match(FOF_LINE)?.[1];
    expect(key).toBeDefined();
    expect(key).toBe(await fofKeyInDatabase(db));
    expectPrintedOnce(first, key!);
    expect(first.stdout).toContain('Created organisation "Default Organisation".');
    expect(first.stdout).toContain('Created organisation "Flagsmith on Flagsmith".');
    // The superuser both files declare is created once.
    expect(first.stdout.match(/^Created user "admin@example\.com"\.$/gm)).toHaveLength(1);
    const [site] = await db.sql<{ domain: string }[]>`select domain from django_site where id = 1`;
    expect(site!.domain).toBe("localhost:8000"); // bootstrap's app_domain, undisputed

    const before = await checksumAllTables(db.sql);
    const again = sh(dir, "flagsmith-provision", env);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('Skipped environment "Production" in project "Flagsmith on Flagsmith" (already exists).');
    expect(again.stdout).not.toContain("API key");
    expect(again.stdout).toMatch(/^Provisioning complete: 0 created, \d+ skipped\.$/m);
    expect(await checksumAllTables(db.sql)).toBe(before);
  });

  test("next to a file with its own app_domain and environments: no conflict, only fof's key is printed, the file's domain is set", async () => {
    const dir = recipeDir();
    writeFileSync(
      join(dir, "provisioning", "00-acme.yaml"),
      [
        'version: "1.0"',
        "app_domain: flagsmith.acme.example",
        "users: [{ email: admin@example.com, is_superuser: true }]",
        "organisations: [{ name: Acme, members: [{ email: admin@example.com, role: ADMIN }] }]",
        "projects: [{ name: Web, organisation: Acme, environments: [{ name: Development }] }]",
        "",
      ].join("\n"),
    );
    expect(sh(dir, "flagsmith-provision presets show fof > provisioning/20-fof.yaml").exitCode).toBe(0);
    const valid = sh(dir, "flagsmith-provision validate");
    expect(valid.stdout).toMatch(/^Valid: 2 files, \d+ entities\.$/m);
    expect(valid.exitCode, valid.stderr).toBe(0);

    const db = await database();
    const env = { DATABASE_URL: db.url, DJANGO_SECRET_KEY: "recipe-secret" };
    const before = await checksumAllTables(db.sql);
    const dry = sh(dir, "flagsmith-provision --dry-run", env);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Would create environment "Production" in project "Flagsmith on Flagsmith".');
    expect(dry.stdout).not.toContain("API key"); // a dry run never shows a key
    expect(await checksumAllTables(db.sql)).toBe(before);

    const ran = sh(dir, "flagsmith-provision", env);
    expect(ran.exitCode, ran.stderr).toBe(0);
    const key = ran.stdout.match(FOF_LINE)?.[1];
    expect(key).toBe(await fofKeyInDatabase(db));
    expectPrintedOnce(ran, key!);
    // The other file did not ask: its environment's line has no key.
    expect(ran.stdout).toContain('Created environment "Development" in project "Web".\n');
    expect(ran.stdout.match(/API key/g)).toHaveLength(1);
    const [site] = await db.sql<{ domain: string }[]>`select domain from django_site where id = 1`;
    expect(site!.domain).toBe("flagsmith.acme.example");
    expect(ran.stdout).toContain("choose a password: https://flagsmith.acme.example/password-reset/confirm/");
  });
});
