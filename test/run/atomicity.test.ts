/**
 * One transaction means all or nothing, for the whole process: a database refusal at the very last
 * entity, and a SIGKILL in the middle of a large apply, both leave every table exactly as it was.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeWorkload } from "../../scripts/bench/workload.ts";
import { ensureBinary } from "../helpers/binary.ts";
import { checksumAllTables, createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { applyJson, SCHEMA } from "../helpers/run.ts";

setDefaultTimeout(60_000);

let work = "";
beforeAll(() => {
  ensureBinary();
  work = mkdtempSync(join(tmpdir(), "fsp-run-atomicity-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`a database refusal at the last entity (${SCHEMA})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(SCHEMA);
  });
  afterAll(async () => {
    await db?.drop();
  });

  test("exits 1 naming the entity and its file position, and leaves every table byte-identical", async () => {
    // An earlier dataset with feature states, then the feature-state id sequence set back behind
    // them, as after restoring rows without their sequences (pg_restore --data-only, loaddata).
    const earlier = join(work, "earlier");
    writeWorkload(earlier, { projects: 1, environments: 2, features: 3, segments: 0, organisation: "Earlier Org" });
    const first = await applyJson(db.url, ["--directory", earlier], work);
    expect(first.exitCode).toBe(0);
    await db.sql`select setval(pg_get_serial_sequence('public.features_featurestate', 'id'), 1, false)`;
    const before = await checksumAllTables(db.sql);

    // Everything else of this file is written first (processing order ends with features), and the
    // feature's states then collide with the earlier states' ids.
    const file = join(work, "last-fails.yaml");
    writeFileSync(
      file,
      [
        `version: "1.0"`,
        `users:`,
        `  - { email: atomic@example.com, first_name: Ada }`,
        `organisations:`,
        `  - name: Atomic Org`,
        `    members: [{ email: atomic@example.com, role: ADMIN }]`,
        `    groups: [{ name: Atomics, members: [atomic@example.com] }]`,
        `master_api_keys:`,
        `  - { name: Atomic Key, organisation: Atomic Org }`,
        `projects:`,
        `  - name: Atomic Project`,
        `    organisation: Atomic Org`,
        `    environments: [{ name: One }, { name: Two }]`,
        `    segments:`,
        `      - name: atomic_segment`,
        `        rules: [{ type: ALL, conditions: [{ property: plan, operator: EQUAL, value: pro }] }]`,
        `    features:`,
        `      - name: the_last_feature`,
        ``,
      ].join("\n"),
    );
    const run = await applyJson(db.url, ["--file", file], work);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`creating feature "the_last_feature" (${file}:18:9)`);
    // Which of the two inserts trips first (the state's id or its value's state id) is the writer's business.
    expect(run.stderr).toContain("duplicate key value violates unique constraint");
    expect(run.stderr).toContain("postgres code: 23505");
    expect(run.stderr).toContain("Nothing was written");
    expect(await checksumAllTables(db.sql)).toBe(before);
  });
});

describe(`SIGKILL in the middle of a large apply (${SCHEMA})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(SCHEMA);
  });
  afterAll(async () => {
    await db?.drop();
  });

  test("leaves every table unchanged", async () => {
    const dir = join(work, "large");
    writeWorkload(dir, { projects: 10, environments: 10, features: 200, segments: 20, organisation: "Killed Org" });
    const before = await checksumAllTables(db.sql);

    const child = Bun.spawn([ensureBinary(), "--directory", dir], {
      cwd: work,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", DATABASE_URL: db.url },
      stdin: "ignore",
      stdout: "ignore",
      stderr: "ignore",
    });
    // Kill it while it writes features or their states: by then users, the organisation, projects,
    // environments and segments have been written in its transaction (it holds an xid). The query
    // text is matched loosely: pg_stat_activity truncates it (track_activity_query_size).
    let seen: { query: string; xid: string | null } | undefined;
    const deadline = Date.now() + 45_000;
    while (!seen && child.exitCode === null && Date.now() < deadline) {
      const [row] = await db.sql<{ query: string; xid: string | null }[]>`
        select query, backend_xid::text as xid from pg_stat_activity
        where datname = ${db.name} and application_name = 'flagsmith-provision' and state = 'active'
          and backend_xid is not null and query ilike '%features_feature%'`;
      if (row) seen = row;
      else await Bun.sleep(10);
    }
    expect(child.exitCode).toBeNull(); // still running: the kill lands mid-apply
    child.kill("SIGKILL");
    expect(await child.exited).not.toBe(0);
    expect(child.signalCode).toBe("SIGKILL");
    expect(seen?.xid).not.toBeNull();

    // The server aborts the orphaned transaction once it notices the client is gone.
    while (Date.now() < deadline) {
      const [left] =
        await db.sql`select count(*)::int as n from pg_stat_activity where datname = ${db.name} and application_name = 'flagsmith-provision'`;
      if (left!.n === 0) break;
      await Bun.sleep(50);
    }
    expect(await checksumAllTables(db.sql)).toBe(before);
    const [orgs] = await db.sql`select count(*)::int as n from organisations_organisation where name = 'Killed Org'`;
    expect(orgs!.n).toBe(0);
  });
});
