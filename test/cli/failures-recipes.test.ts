/**
 * Issue 8, items 13 and 14, through the compiled binary: the README's recipes run as written.
 * - 13: `presets show fof > provisioning/20-fof.yaml` next to other files applies cleanly and prints
 *   the environment key (the file asks for it with `show_key`), whatever app_domain the others set.
 * - 14: the init-container recipes order migrate → provision → serve (checked on the README's own
 *   Compose and Helm blocks), and `--wait` proceeds once the migrations arrive.
 */
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import {
  checksumAllTables,
  createEmptyTestDatabase,
  createTestDatabase,
  loadSchema,
  schemaFile,
  type TestDatabase,
} from "../helpers/database.ts";
import { REPO, ensureBinary, run, tempDir, type Ran } from "../helpers/binary.ts";

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

async function database(
  make: () => Promise<TestDatabase> = () => createTestDatabase("fixture"),
): Promise<TestDatabase> {
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
  return run(["sh", "-c", line], {
    cwd: dir,
    env: { PATH: `${join(dir, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`, ...env },
  });
}

const FOF_LINE =
  /^Created environment "Production" in project "Flagsmith on Flagsmith" \(API key: ([A-Za-z0-9]{22})\)\.$/m;

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
    expect(again.stdout).toContain(
      'Skipped environment "Production" in project "Flagsmith on Flagsmith" (already exists).',
    );
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

/** The ```yaml blocks of the README's "Running it as an init container" section. */
function recipeBlocks(): unknown[] {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const start = readme.indexOf("## Running it as an init container");
  expect(start).toBeGreaterThan(-1);
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!));
}

type ComposeService = {
  image: string;
  command?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
};

/** depends_on in its two forms, as Compose reads them (a list means service_started). */
function dependencies(service: ComposeService): Record<string, string> {
  const d = service.depends_on ?? {};
  return Array.isArray(d)
    ? Object.fromEntries(d.map((name) => [name, "service_started"]))
    : Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.condition]));
}

/** Compose's start order; throws on a cycle (which Compose refuses) or an unknown service. */
function startOrder(services: Record<string, ComposeService>): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (order.includes(name)) return;
    if (!services[name]) throw new Error(`depends on unknown service ${name}`);
    if (visiting.has(name)) throw new Error(`dependency cycle through ${name}`);
    visiting.add(name);
    for (const dep of Object.keys(dependencies(services[name]!))) visit(dep);
    order.push(name);
  };
  for (const name of Object.keys(services)) visit(name);
  return order;
}

describe("item 14: the README's init-container recipes cannot deadlock", () => {
  test("Compose: migrate (one-shot) → provision --wait → serve, each waiting for the previous to complete", () => {
    const compose = recipeBlocks().find((b) => typeof b === "object" && b !== null && "services" in b) as {
      services: Record<string, ComposeService>;
    };
    expect(compose).toBeDefined();
    const services = compose.services;
    const named = (test: (s: ComposeService) => boolean) => Object.keys(services).filter((n) => test(services[n]!));
    const flagsmith = (s: ComposeService) => s.image.startsWith("flagsmith/flagsmith");
    const [migrate] = named((s) => flagsmith(s) && s.command?.join(" ") === "migrate");
    const [provision] = named((s) => s.image.includes("flagsmith-provision"));
    const [api] = named((s) => flagsmith(s) && s.command?.join(" ") === "serve");
    expect([migrate, provision, api].every(Boolean)).toBe(true);
    // Nothing runs Flagsmith's default (migrations inside the API container, which provisioning would wait for).
    expect(named((s) => flagsmith(s) && (s.command === undefined || s.command.includes("migrate-and-serve")))).toEqual(
      [],
    );

    expect(dependencies(services[provision!]!)).toMatchObject({ [migrate!]: "service_completed_successfully" });
    expect(dependencies(services[api!]!)).toMatchObject({ [provision!]: "service_completed_successfully" });
    const wait = services[provision!]!.command!;
    expect(Number(wait[wait.indexOf("--wait") + 1])).toBeGreaterThan(0);

    const order = startOrder(services);
    expect(order.indexOf(migrate!)).toBeLessThan(order.indexOf(provision!));
    expect(order.indexOf(provision!)).toBeLessThan(order.indexOf(api!));
    // Only one-shot steps are waited for to complete: waiting for a server to exit would never end.
    for (const [name, service] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependencies(service))) {
        if (condition === "service_completed_successfully")
          expect({ name, dep, oneShot: [migrate, provision].includes(dep) }).toEqual({ name, dep, oneShot: true });
      }
    }
  });

  test("Helm: provisioning is an extra init container (after the chart's migrate-db, before serve), waiting, with its volume", () => {
    const values = recipeBlocks().find((b) => typeof b === "object" && b !== null && "api" in b) as {
      api: {
        extraInitContainers: { name: string; image: string; args: string[]; volumeMounts: { name: string }[] }[];
        extraVolumes: { name: string }[];
        enableMigrateDbInitContainer?: boolean;
        args?: string[];
      };
    };
    expect(values).toBeDefined();
    const [provision] = values.api.extraInitContainers;
    expect(provision!.image).toContain("flagsmith-provision");
    expect(Number(provision!.args[provision!.args.indexOf("--wait") + 1])).toBeGreaterThan(0);
    // The chart's defaults do the rest: migrate-db init container on, API args ["serve"]; the recipe keeps them.
    expect(values.api.enableMigrateDbInitContainer).toBeUndefined();
    expect(values.api.args).toBeUndefined();
    const volumes = new Set(values.api.extraVolumes.map((v) => v.name));
    for (const mount of provision!.volumeMounts) expect(volumes.has(mount.name)).toBe(true);
  });

  // test/db/wait.test.ts covers waitForDatabase itself; this is the recipe's case end to end, in the binary:
  // in the Helm Job variant the provision init container starts before the migrations are in.
  test("--wait on a database whose migrations arrive later waits, then provisions once they are in", async () => {
    const db = await database(createEmptyTestDatabase);
    const cwd = tempDir();
    const child = Bun.spawn([binary, "--preset", "bootstrap", "--wait", "60"], {
      cwd,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        DATABASE_URL: db.url,
        DJANGO_SECRET_KEY: "recipe-secret",
      },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    await Bun.sleep(1500);
    expect(child.exitCode).toBeNull(); // still waiting: there is nothing to provision into yet
    // The real dump when available (its django_migrations is complete), else our fixture.
    await loadSchema(db.url, schemaFile("v2.265.0") ? "v2.265.0" : "fixture");
    const exitCode = await child.exited;
    const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toMatch(/^Waiting for the database \(/m);
    expect(stderr).toMatch(/^Database is ready \(after \d+\.\ds\)\.$/m);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("Provisioning complete: 3 created, 0 skipped.");
    const [users] = await db.sql<{ n: number }[]>`select count(*)::int as n from users_ffadminuser`;
    expect(users!.n).toBe(1);
  });
});
