import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, schemaFile, type TestDatabase } from "../helpers/database.ts";
import { at, desiredWith, provision } from "../helpers/org.ts";

/** Rows written by Flagsmith's own `manage.py bootstrap` (normalised), and the tool that compares snapshots. */
const SHARED = join(import.meta.dir, "..", "..", "..", "shared");
const REFERENCE = join(SHARED, "flagsmith", "reference", "bootstrap.json");
const FIDELITY = join(SHARED, "tools", "fidelity.py");
const available = existsSync(REFERENCE) && existsSync(FIDELITY) && schemaFile("v2.265.0") !== null;
if (!available)
  console.warn(
    "NOTICE: org-fidelity: ../shared (reference snapshot, fidelity.py, v2.265.0 dump) not found; comparison skipped.",
  );

describe.skipIf(!available)("the bootstrap entities match what Flagsmith's bootstrap writes", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase("v2.265.0");
    dir = mkdtempSync(join(tmpdir(), "org-fidelity-"));
    // The legacy bootstrap: superuser without password, organisation with it as ADMIN, one project; no site domain.
    await provision(
      db.url,
      desiredWith({
        users: [
          {
            ...at(),
            email: "admin@example.com",
            isSuperuser: true,
            firstName: "",
            lastName: "",
            username: null,
            password: { kind: "unusable" },
          },
        ],
        organisations: [{ ...at(), name: "Default Organisation", subscription: null }],
        memberships: [{ ...at(), organisation: "Default Organisation", email: "admin@example.com", role: "ADMIN" }],
        projects: [{ ...at(), organisation: "Default Organisation", name: "Default Project", settings: {} }],
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  function fidelity(...args: string[]) {
    const run = Bun.spawnSync(["python3", FIDELITY, ...args], { stdout: "pipe", stderr: "pipe" });
    return { code: run.exitCode, out: run.stdout.toString() + run.stderr.toString() };
  }

  test("no difference, historical rows included", () => {
    const snapshot = join(dir, "actual.json");
    const taken = fidelity("snapshot", "--db", db.url, "--out", snapshot);
    expect(taken.out).not.toContain("Traceback");
    expect(taken.code).toBe(0);
    const strict = fidelity("diff", "--ignore-historical", REFERENCE, snapshot);
    expect(strict.out).toContain("== Tables: no differences");
    expect(strict.code).toBe(0);
    // The cosmetic '+' subscription history row is written too, exactly as simple-history does.
    expect(fidelity("diff", REFERENCE, snapshot).code).toBe(0);
  }, 60_000);
});
