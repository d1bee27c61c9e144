import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { REPO, ensureBinary } from "../helpers/binary.ts";

// Building the binary and creating databases take seconds on a busy machine; hooks included.
setDefaultTimeout(120_000);

/**
 * Replicas of an init container start at once (contract §2): they serialise on the advisory lock,
 * one run creates everything and the others skip it. Directly and through PgBouncer in transaction
 * pooling mode, with the compiled binary.
 */
const REPLICAS = 4;
let binary: string;

beforeAll(() => {
  binary = ensureBinary();
});

async function runReplicas(url: string): Promise<{ exitCode: number; summary: string }[]> {
  const runs = Array.from({ length: REPLICAS }, async () => {
    const child = Bun.spawn([binary, "--preset", "dev"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", DATABASE_URL: url },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    if (exitCode !== 0) console.error(stderr);
    return { exitCode, summary: stdout.trimEnd().split("\n").at(-1) ?? "" };
  });
  return Promise.all(runs);
}

function expectOneCreator(results: { exitCode: number; summary: string }[]): void {
  expect(results.map((r) => r.exitCode)).toEqual(Array(REPLICAS).fill(0));
  const counts = results
    .map((r) => /^Provisioning complete: (\d+) created, (\d+) skipped\.$/.exec(r.summary))
    .map((m) => [Number(m?.[1]), Number(m?.[2])]);
  const creators = counts.filter(([created]) => created! > 0);
  expect(creators).toHaveLength(1);
  const total = creators[0]![0]!;
  expect(total).toBeGreaterThan(0);
  // Every other run found everything in place.
  for (const [created, skipped] of counts.filter(([created]) => created === 0)) {
    expect(created).toBe(0);
    expect(skipped).toBeGreaterThan(0);
  }
}

describe("concurrent runs of the binary", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("fixture");
  });
  afterAll(async () => {
    await db?.drop();
  });

  test(`${REPLICAS} replicas at once: one creates, the others skip`, async () => {
    expectOneCreator(await runReplicas(db.url));
  });
});

const hasPgBouncer = Bun.which("pgbouncer") !== null;
if (!hasPgBouncer)
  console.warn("NOTICE: test/cli/concurrency.test.ts: pgbouncer is not installed; the PgBouncer variant is skipped.");

describe.skipIf(!hasPgBouncer)("concurrent runs through PgBouncer (transaction pooling)", () => {
  let db: TestDatabase;
  let dir: string;
  const script = (command: string) => {
    const ran = Bun.spawnSync(["bash", join(REPO, "scripts", "pgbouncer.sh"), command], {
      env: { ...process.env, PGBOUNCER_DIR: dir },
    });
    if (ran.exitCode !== 0) throw new Error(`pgbouncer.sh ${command}: ${ran.stderr.toString()}`);
    return ran.stdout.toString().trim();
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "fsp-cli-pgbouncer-"));
    db = await createTestDatabase("fixture");
  });
  afterAll(async () => {
    if (dir) script("stop");
    if (dir) rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  test(`${REPLICAS} replicas through PgBouncer: one creates, the others skip`, async () => {
    const url = new URL(db.url);
    url.hostname = "127.0.0.1";
    url.port = script("start");
    expectOneCreator(await runReplicas(url.toString()));
  });
});
