/**
 * Round trips do not grow with the number of entities (README "Safety"): through the real binary,
 * a 10-feature workload and one with 100 times the features, 10 projects and 100 environments send
 * the same number of statements (the JSON report's stats.statements counts every one), both on an
 * empty database and on the no-op re-run. Counting, not timing.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Measured } from "../../scripts/bench/run-binary.ts";
import { writeWorkload, type WorkloadShape } from "../../scripts/bench/workload.ts";
import { ensureBinary } from "../helpers/binary.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { applyJson, SCHEMA } from "../helpers/run.ts";

setDefaultTimeout(60_000);

const SMALL: WorkloadShape = { projects: 1, environments: 1, features: 10, segments: 3 };
const LARGE: WorkloadShape = { projects: 10, environments: 10, features: 100, segments: 30 };

let work = "";
const dbs: TestDatabase[] = [];
beforeAll(() => {
  ensureBinary();
  work = mkdtempSync(join(tmpdir(), "fsp-run-statements-"));
});
afterAll(async () => {
  for (const db of dbs) await db.drop();
  rmSync(work, { recursive: true, force: true });
});

/** Applies a shape to a fresh database twice; returns both runs. */
async function applyTwice(name: string, shape: WorkloadShape): Promise<[Measured, Measured]> {
  const db = await createTestDatabase(SCHEMA);
  dbs.push(db);
  const dir = join(work, name);
  const counts = writeWorkload(dir, shape);
  const first = await applyJson(db.url, ["--directory", dir], work);
  expect(first.exitCode).toBe(0);
  expect(first.report!.summary).toEqual({ created: counts.reported, skipped: 0, differ: 0 });
  const again = await applyJson(db.url, ["--directory", dir], work);
  expect(again.exitCode).toBe(0);
  expect(again.report!.summary).toEqual({ created: 0, skipped: counts.reported, differ: 0 });
  return [first, again];
}

describe(`statements sent through the CLI (${SCHEMA})`, () => {
  test("are the same for 10 features as for 10 projects × 10 environments × 100 features", async () => {
    const [small, smallAgain] = await applyTwice("small", SMALL);
    const [large, largeAgain] = await applyTwice("large", LARGE);
    const statements = (run: Measured) => run.report!.stats!.statements;
    expect(statements(small)).toBeGreaterThan(5);
    expect(statements(large)).toBe(statements(small));
    expect(statements(largeAgain)).toBe(statements(smallAgain));
    // A no-op run only reads.
    expect(statements(largeAgain)).toBeLessThan(statements(large));
  });

  test("the text report has no stats (they are part of the JSON document only)", async () => {
    const db = await createTestDatabase(SCHEMA);
    dbs.push(db);
    const dir = join(work, "text");
    writeWorkload(dir, SMALL);
    const run = Bun.spawnSync([ensureBinary(), "--directory", dir], {
      cwd: work,
      env: { PATH: process.env.PATH ?? "/usr/bin", DATABASE_URL: db.url },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.toString()).not.toMatch(/statement|durationMs/i);
    expect(run.stdout.toString().trim().split("\n").at(-1)).toMatch(
      /^Provisioning complete: \d+ created, 0 skipped\.$/,
    );
  });
});
