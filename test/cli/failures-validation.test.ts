import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { availableSchemas, checksumAllTables, createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { ensureBinary, run, tempDir, type Ran } from "./binary.ts";
import { expectCleanFailure } from "./failure-support.ts";

// Building the binary and creating databases take seconds on a busy machine; hooks included.
setDefaultTimeout(120_000);

/**
 * Issue 8, items 5, 6, 11 and the input parts of 15, through the compiled binary: input that would reach
 * PostgreSQL (or be stored wrongly) is refused before any write, with exit 2 and a position, by `validate`
 * (no database) and by `apply` (against a real Flagsmith schema, left unchanged).
 */
let binary: string;
let db: TestDatabase;
let cwd: string;

beforeAll(async () => {
  binary = ensureBinary();
  cwd = tempDir("fsp-validation-");
  // The newest real schema where the dumps are present; our fixture schema elsewhere.
  db = await createTestDatabase(availableSchemas().includes("v2.265.0") ? "v2.265.0" : "fixture");
});
afterAll(async () => {
  await db?.drop();
});

const cli = (args: string[], env: Record<string, string> = {}): Ran => run([binary, ...args], { cwd, env: { DJANGO_SECRET_KEY: "test-secret", ...env } });

/**
 * Writes `content` to `name`, then runs `validate` (offline) and `apply` (connected): both must exit 2 with one
 * clean message matching `message` at a position in the file, and the database must be unchanged.
 */
async function expectRefused(name: string, content: string | Uint8Array, message: RegExp, env: Record<string, string> = {}): Promise<Ran[]> {
  writeFileSync(join(cwd, name), content);
  const before = await checksumAllTables(db.sql);
  const runs = [cli(["validate", "--file", name], env), cli(["--file", name], { DATABASE_URL: db.url, ...env })];
  for (const ran of runs) {
    expectCleanFailure(ran, 2, { message });
    expect(ran.stderr).toMatch(new RegExp(`^${name.replace(/\./g, "\\.")}:\\d+:\\d+: error: `, "m"));
    expect(ran.stderr).toContain("hint: ");
    expect(ran.stdout).toBe("");
  }
  expect(await checksumAllTables(db.sql)).toBe(before);
  return runs;
}

describe("keys that valibot would skip are errors (item 6)", () => {
  test("__proto__ in a user does not make a superuser", async () => {
    const [validate] = await expectRefused(
      "proto.yaml",
      'version: "1.0"\nusers:\n  - email: a@b.co\n    __proto__: {is_superuser: true}\n',
      /unknown field "__proto__" in a user/,
    );
    expect(validate!.stderr).toContain("proto.yaml:4:5:");
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from users_ffadminuser`;
    expect(row!.n).toBe(0);
  });

  test("constructor and prototype, nested, with out-of-range values under them", async () => {
    const [validate] = await expectRefused(
      "constructor.yaml",
      'version: "1.0"\norganisations:\n  - name: Acme\n    subscription:\n      constructor: {seats: 3000000000}\n      prototype: 1\n',
      /unknown field "constructor" in a subscription/,
    );
    expect(validate!.stderr).toContain('constructor.yaml:6:7: error: unknown field "prototype" in a subscription');
  });

  test("a trait named __proto__", async () => {
    await expectRefused(
      "trait.yaml",
      'version: "1.0"\nprojects:\n  - name: Web\n    organisation: Acme\n    environments:\n      - name: Dev\n        identities:\n          - identifier: x\n            traits: {__proto__: 1}\n',
      /trait key "__proto__" is not supported/,
    );
  });
});
