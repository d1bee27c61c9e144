/**
 * Replicas of an init container start at once: 8 binaries on one empty database must all succeed
 * and leave exactly one dataset (the advisory lock serialises them; the later ones skip everything).
 * Directly and through PgBouncer in transaction pooling mode.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeWorkload, type WorkloadShape } from "../../scripts/bench/workload.ts";
import { ensureBinary } from "../helpers/binary.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { applyJson, countDataset, SCHEMA } from "../helpers/run.ts";

setDefaultTimeout(60_000);

const RUNS = 8;
const SHAPE: WorkloadShape = {
  projects: 2,
  environments: 3,
  features: 40,
  segments: 4,
  organisation: "Concurrent Org",
};
const SCRIPT = join(import.meta.dir, "..", "..", "scripts", "pgbouncer.sh");
const bouncerInstalled = Bun.which("pgbouncer") !== null;
if (!bouncerInstalled)
  console.warn(
    "NOTICE: test/run/concurrency.test.ts: pgbouncer is not installed (apt-get install -y pgbouncer); the PgBouncer variant is skipped.",
  );

let work = "";
let expected: ReturnType<typeof writeWorkload>;

beforeAll(() => {
  ensureBinary();
  work = mkdtempSync(join(tmpdir(), "fsp-run-concurrency-"));
  expected = writeWorkload(join(work, "provisioning"), SHAPE);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Starts RUNS binaries at once against url and checks the outcome in db. */
async function concurrentRuns(db: TestDatabase, url: string): Promise<void> {
  const runs = await Promise.all(
    Array.from({ length: RUNS }, () => applyJson(url, ["--directory", join(work, "provisioning")], work)),
  );
  for (const run of runs) {
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.report).not.toBeNull();
  }
  // Exactly one run created the dataset; every other one found all of it and created nothing.
  const created = runs.map((r) => r.report!.summary.created).sort((a, b) => b - a);
  expect(created).toEqual([expected.reported, ...Array(RUNS - 1).fill(0)]);
  for (const run of runs.filter((r) => r.report!.summary.created === 0)) {
    expect(run.report!.summary.skipped).toBe(expected.reported);
    expect(run.report!.actions.every((a) => a.op === "skip")).toBe(true);
  }

  expect(await countDataset(db.sql, SHAPE.organisation!)).toEqual({
    organisations: 1,
    projects: expected.projects,
    environments: expected.environments,
    features: expected.features,
    segments: expected.segments,
    featureStates: expected.featureStates,
    duplicateStates: 0,
    statesWithoutValue: 0,
  });
  const [users] =
    await db.sql`select count(*)::int as n from users_ffadminuser where email = 'bench-admin@example.com'`;
  expect(users!.n).toBe(1);
}

describe(`${RUNS} processes at once (${SCHEMA})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(SCHEMA);
  });
  afterAll(async () => {
    await db?.drop();
  });

  test("all exit 0 and exactly one dataset exists", async () => {
    await concurrentRuns(db, db.url);
  });
});

describe.skipIf(!bouncerInstalled)(
  `${RUNS} processes at once through PgBouncer, transaction pooling (${SCHEMA})`,
  () => {
    let db: TestDatabase;
    let bouncerDir = "";
    const script = (command: string): string => {
      const ran = Bun.spawnSync(["bash", SCRIPT, command], { env: { ...process.env, PGBOUNCER_DIR: bouncerDir } });
      if (ran.exitCode !== 0) throw new Error(`pgbouncer.sh ${command} failed: ${ran.stderr.toString()}`);
      return ran.stdout.toString().trim();
    };
    beforeAll(async () => {
      bouncerDir = mkdtempSync(join(tmpdir(), "fsp-run-pgbouncer-"));
      db = await createTestDatabase(SCHEMA);
    });
    afterAll(async () => {
      if (bouncerDir) script("stop");
      rmSync(bouncerDir, { recursive: true, force: true });
      await db?.drop();
    });

    test("all exit 0 and exactly one dataset exists (more clients than the pool's 4 server connections)", async () => {
      const url = new URL(db.url);
      url.hostname = "127.0.0.1";
      url.port = script("start");
      await concurrentRuns(db, url.toString());
    });
  },
);
