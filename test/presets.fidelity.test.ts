import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyCommand } from "../src/commands/apply.ts";
import type { Io } from "../src/io.ts";
import { encodeUid, passwordResetToken } from "../src/flagsmith/django.ts";
import type { Env } from "../src/input/source.ts";
import { createTestDatabase, schemaFile, type TestDatabase } from "./helpers/database.ts";
import { devSeedAsProvisioned } from "./presets.dev-seed.ts";

/**
 * Issue 4's acceptance: the e2e and bootstrap presets write what Flagsmith's own seed and bootstrap
 * write (compared with fidelity.py against the normalized reference snapshots), the bootstrap's reset
 * link verifies, and fof prints the key of an environment that has a state for every preset flag.
 * Issue 10's: the dev preset writes what Flagsmith's local reset seed writes, but for the differences
 * named in DEV_SEED_DIFFERENCES (presets.dev-seed.ts).
 */
const SHARED = join(import.meta.dir, "..", "..", "shared");
const FIDELITY = join(SHARED, "tools", "fidelity.py");
const reference = (name: string) => join(SHARED, "flagsmith", "reference", `${name}.json`);
const available = existsSync(FIDELITY) && existsSync(reference("e2e")) && schemaFile("v2.265.0") !== null;
if (!available)
  console.warn(
    "NOTICE: presets.fidelity: ../shared (fidelity.py, reference snapshots, v2.265.0 dump) not found; comparisons skipped.",
  );

const SECRET = "fidelity-test-secret";
const databases: TestDatabase[] = [];
const scratch = mkdtempSync(join(tmpdir(), "fsp-fidelity-"));
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  rmSync(scratch, { recursive: true, force: true });
}, 60_000);

async function provisionPreset(preset: string, env: Env = {}): Promise<{ db: TestDatabase; lines: string[] }> {
  const db = await createTestDatabase("v2.265.0");
  databases.push(db);
  const lines: string[] = [];
  const io: Io = {
    env: { DJANGO_SECRET_KEY: SECRET, ...env },
    cwd: scratch,
    out: (l) => lines.push(l),
    err: () => {},
    color: false,
  };
  await applyCommand(
    { files: [], preset, dryRun: false, output: "text", databaseUrl: db.url, showEnvironmentKeys: false },
    io,
  );
  return { db, lines };
}

/** fidelity.py's diff, outside history tables, of `db` against a reference snapshot file. */
function fidelityDiff(referenceFile: string, db: TestDatabase): { code: number; out: string } {
  const snapshot = join(scratch, `${db.name}.json`);
  const taken = Bun.spawnSync(["python3", FIDELITY, "snapshot", "--db", db.url, "--out", snapshot], { stderr: "pipe" });
  expect(taken.stderr.toString()).toBe("");
  const diff = Bun.spawnSync(["python3", FIDELITY, "diff", "--ignore-historical", referenceFile, snapshot], {
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: diff.exitCode, out: diff.stdout.toString() + diff.stderr.toString() };
}

describe.skipIf(!available)("presets against Flagsmith's own output (v2.265.0)", () => {
  test("e2e: no difference from Flagsmith's e2e seed outside history tables", async () => {
    const { db } = await provisionPreset("e2e");
    const diff = fidelityDiff(reference("e2e"), db);
    expect(diff.out).toContain("== Tables: no differences");
    expect(diff.code).toBe(0);
  }, 60_000);

  test("bootstrap: no difference from `manage.py bootstrap`, and the printed reset link verifies", async () => {
    // APP_DOMAIN=example.com keeps Django's placeholder site row, which is what the reference holds;
    // with the default (localhost:8000) the site row is the one intended difference.
    const { db, lines } = await provisionPreset("bootstrap", { APP_DOMAIN: "example.com" });
    const diff = fidelityDiff(reference("bootstrap"), db);
    expect(diff.out).toContain("== Tables: no differences");
    expect(diff.code).toBe(0);

    const link = lines.find((l) => l.startsWith("Please go to the following page and choose a password: "))!;
    const match = link.match(
      /^Please go to the following page and choose a password: https:\/\/example\.com\/password-reset\/confirm\/([A-Za-z0-9_-]+)\/([0-9a-z]+)-([0-9a-f]{32})$/,
    );
    expect(match).not.toBeNull();
    const [, uid, tsB36, _hash] = match!;
    const [user] = await db.sql<
      { id: number; password: string; email: string }[]
    >`select id, password, email from users_ffadminuser`;
    expect(uid).toBe(encodeUid(user!.id));
    // Recompute the token with Django's algorithm at the timestamp it carries: it must be the same token.
    const at = new Date(Date.UTC(2001, 0, 1) + parseInt(tsB36!, 36) * 1000);
    const token = passwordResetToken({
      pk: user!.id,
      password: user!.password,
      lastLogin: null,
      email: user!.email,
      secret: SECRET,
      now: at,
    });
    expect(`${tsB36}-${_hash}`).toBe(token);
    expect(Math.abs(at.getTime() - Date.now())).toBeLessThan(60_000);
  }, 60_000);

  test("bootstrap with the default APP_DOMAIN differs only in the site row", async () => {
    const { db } = await provisionPreset("bootstrap");
    const diff = fidelityDiff(reference("bootstrap"), db);
    expect(diff.out).toContain("1 table(s) differ");
    expect(diff.out).toContain("django_site");
    expect(diff.out).toContain(`"example.com" (reference)  ->  "localhost:8000" (actual)`);
  }, 60_000);

  // Skipped until this build reads the flag content (PROVISIONING.md §5) the dev preset declares.
  test.skipIf(!existsSync(reference("dev-seed")))(
    "dev: no difference from Flagsmith's local reset seed outside history tables but DEV_SEED_DIFFERENCES",
    async () => {
      // APP_DOMAIN=example.com keeps Django's placeholder site row, which is what the reference holds.
      const { db } = await provisionPreset("dev", { APP_DOMAIN: "example.com" });
      const expected = join(scratch, "dev-seed-as-provisioned.json");
      writeFileSync(
        expected,
        JSON.stringify(devSeedAsProvisioned(JSON.parse(readFileSync(reference("dev-seed"), "utf8")))),
      );
      const diff = fidelityDiff(expected, db);
      expect(diff.out).toContain("== Tables: no differences");
      expect(diff.code).toBe(0);
    },
    60_000,
  );

  test("fof: prints the client-side key of its environment, which has a state for every preset flag", async () => {
    const { db, lines } = await provisionPreset("fof");
    const line = lines.find((l) =>
      l.startsWith(`Created environment "Production" in project "Flagsmith on Flagsmith"`),
    )!;
    const key = line.match(/\(API key: ([A-Za-z0-9]{22})\)\.$/)?.[1];
    const [env] = await db.sql<{ id: number; api_key: string }[]>`
      select e.id, e.api_key from environments_environment e join projects_project p on p.id = e.project_id
      where p.name = 'Flagsmith on Flagsmith' and e.name = 'Production'`;
    expect(key).toBe(env!.api_key);
    const [counts] = await db.sql<{ features: number; states: number }[]>`
      select (select count(*)::int from features_feature f join projects_project p on p.id = f.project_id where p.name = 'Flagsmith on Flagsmith') as features,
             (select count(distinct feature_id)::int from features_featurestate where environment_id = ${env!.id} and live_from is not null) as states`;
    expect(counts!.features).toBeGreaterThan(10);
    expect(counts!.states).toBe(counts!.features);
  }, 60_000);
});
