/** `export` through the compiled binary: output, files and every exit code it documents (0, 1, 2, 3). */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureBinary, run, STACK_LINE, tempDir } from "../helpers/binary.ts";
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { applyTo, exportOf } from "../helpers/export.ts";
import { SCHEMA } from "../helpers/run.ts";

let db: TestDatabase;
let empty: TestDatabase;
const cwd = tempDir("fsp-export-cli-");
const binary = () => ensureBinary();

beforeAll(async () => {
  db = await createTestDatabase(SCHEMA);
  empty = await createEmptyTestDatabase();
  await applyTo(db.url, { preset: "demo" });
}, 120_000);
afterAll(async () => {
  await Promise.all([db.drop(), empty.drop()]);
  rmSync(cwd, { recursive: true, force: true });
});

test("export: the document on stdout, files in --output-dir; exit 0", async () => {
  const env = { DATABASE_URL: db.url };
  const out = run([binary(), "export", "--include", "all"], { cwd, env });
  expect({ code: out.exitCode, stderr: out.stderr }).toEqual({ code: 0, stderr: "" });
  expect(out.stdout).toBe(await exportOf(db.url));
  expect(out.stdout).toStartWith("# Exported by flagsmith-provision ");

  const dir = run([binary(), "export", "--include=users", "--output-dir", "out"], { cwd, env });
  expect(dir.exitCode).toBe(0);
  expect(dir.stdout).toBe("");
  expect(dir.stderr).toBe("Exported to out: 5 files.\n");
  expect(readdirSync(join(cwd, "out")).sort()).toEqual([
    "_instance.yaml",
    "acme-inc--mobile-app.yaml",
    "acme-inc--payments-api.yaml",
    "acme-inc--storefront-web.yaml",
    "acme-inc.yaml",
  ]);
  expect(readFileSync(join(cwd, "out", "acme-inc.yaml"), "utf8")).toContain(
    "master_api_keys:\n  - { name: CI/CD Pipeline",
  );
  expect(readFileSync(join(cwd, "out", "_instance.yaml"), "utf8")).toEndWith(
    'version: "1.0"\napp_domain: "localhost:8000"\n',
  );
}, 60_000);

test("exit 2 for bad options and unknown names, 1 without a database, 3 for a database that is not Flagsmith's", () => {
  const badPart = run([binary(), "export", "--include", "identites"], { cwd, env: { DATABASE_URL: db.url } });
  expect(badPart.exitCode).toBe(2);
  expect(badPart.stderr).toContain('--include: "identites" is not a part of an export; did you mean "identities"?');

  const unknown = run([binary(), "export", "--organisation", "acme inc"], { cwd, env: { DATABASE_URL: db.url } });
  expect(unknown.exitCode).toBe(2);
  expect(unknown.stderr).toContain(
    'error: there is no organisation "acme inc" in the database; did you mean "Acme Inc"?',
  );

  const none = run([binary(), "export"], { cwd });
  expect(none.exitCode).toBe(1);
  expect(none.stderr).toContain("no database configured");

  const notFlagsmith = run([binary(), "export"], { cwd, env: { DATABASE_URL: empty.url } });
  expect(notFlagsmith.exitCode).toBe(3);
  expect(notFlagsmith.stderr).toContain("unsupported Flagsmith database: table");
  for (const r of [badPart, unknown, none, notFlagsmith]) {
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toMatch(STACK_LINE);
  }
}, 60_000);
