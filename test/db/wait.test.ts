import { afterEach, expect, test, setDefaultTimeout } from "bun:test";
import { waitForDatabase } from "../../src/db/wait.ts";
import { UserError } from "../../src/errors.ts";
import { checkReadiness } from "../../src/flagsmith/compat.ts";
import { createEmptyTestDatabase, createTestDatabase, loadSchema, type TestDatabase } from "../helpers/database.ts";

// Creating databases from templates can take seconds while other suites hammer the server.
setDefaultTimeout(30_000);

const dropped: TestDatabase[] = [];
afterEach(async () => {
  for (const db of dropped.splice(0)) await db.drop();
});

test("a migrated database is ready at once, silently", async () => {
  const db = await createTestDatabase("fixture");
  dropped.push(db);
  const lines: string[] = [];
  await waitForDatabase(db.url, 5, (l) => lines.push(l), checkReadiness);
  expect(lines).toEqual([]);
});

test("a database without Flagsmith's tables times out cleanly (exit 1), saying why", async () => {
  const db = await createEmptyTestDatabase();
  dropped.push(db);
  const lines: string[] = [];
  const started = Date.now();
  const error = await waitForDatabase(db.url, 1.5, (l) => lines.push(l), checkReadiness).then(
    () => null,
    (e: unknown) => e,
  );
  const elapsed = Date.now() - started;
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(1);
  expect((error as UserError).message).toContain("gave up waiting for the database after 1.5s");
  expect((error as UserError).message).toContain("migrations are not applied yet: table");
  expect(elapsed).toBeGreaterThanOrEqual(1400);
  expect(elapsed).toBeLessThan(8000);
  expect(lines.length).toBeGreaterThanOrEqual(2);
  expect(lines[0]).toMatch(
    /^Waiting for the database \(\d+\.\ds of 1\.5s\): Flagsmith's migrations are not applied yet/,
  );
});

test("succeeds once the migrations arrive", async () => {
  const db = await createEmptyTestDatabase();
  dropped.push(db);
  const lines: string[] = [];
  setTimeout(() => void loadSchema(db.url, "fixture"), 700);
  await waitForDatabase(db.url, 15, (l) => lines.push(l), checkReadiness);
  expect(lines.at(-1)).toMatch(/^Database is ready \(after \d+\.\ds\)\.$/);
  expect(lines.length).toBeGreaterThanOrEqual(2);
});

test("an unreachable server is retried and reported without the URL's password", async () => {
  const lines: string[] = [];
  const error = await waitForDatabase(
    "postgres://someone:s3cret@127.0.0.1:1/flagsmith",
    1,
    (l) => lines.push(l),
    checkReadiness,
  ).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).message).toContain("cannot connect");
  expect([...lines, (error as Error).message].join("\n")).not.toContain("s3cret");
});

test("a schema waiting cannot fix (a newer Flagsmith's mandatory column) ends the wait at once with exit 3", async () => {
  const db = await createTestDatabase("fixture");
  dropped.push(db);
  await db.sql`alter table projects_project add column brand_new text not null default 'x'`;
  await db.sql`alter table projects_project alter column brand_new drop default`;
  const started = Date.now();
  const error = await waitForDatabase(db.url, 30, () => {}, checkReadiness).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(3);
  expect((error as UserError).message).toContain("projects_project.brand_new");
  expect(Date.now() - started).toBeLessThan(5000);
});

test("tables without their constraints yet (migrations still running) are not ready", async () => {
  const db = await createTestDatabase("fixture");
  dropped.push(db);
  const [pk] = await db.sql<{ name: string }[]>`
    select conname as name from pg_constraint where conrelid = 'public.users_userpermissiongroup_users'::regclass and contype = 'u'`;
  await db.sql.unsafe(`alter table users_userpermissiongroup_users drop constraint "${pk!.name}"`);
  expect(await checkReadiness(db.sql)).toMatch(
    /^Flagsmith's migrations are still running: table users_userpermissiongroup_users has no primary key or unique constraint yet/,
  );
  await db.sql`truncate permissions_permissionmodel cascade`;
  await db.sql.unsafe(
    `alter table users_userpermissiongroup_users add unique (userpermissiongroup_id, ffadminuser_id)`,
  );
  expect(await checkReadiness(db.sql)).toBe(
    "Flagsmith's migrations are still running: permissions_permissionmodel is still empty",
  );
});
