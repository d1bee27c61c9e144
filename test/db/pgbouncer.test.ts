import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withDatabase } from "../../src/db/connect.ts";
import { withTransaction } from "../../src/db/transaction.ts";
import { createEmptyTestDatabase, type TestDatabase } from "../helpers/database.ts";

// Creating databases from templates can take seconds while other suites hammer the server.
setDefaultTimeout(30_000);

// PgBouncer in transaction pooling mode (scripts/pgbouncer.sh): what init containers often talk to.
const SCRIPT = join(import.meta.dir, "..", "..", "scripts", "pgbouncer.sh");
const installed = Bun.which("pgbouncer") !== null;
if (!installed)
  console.warn(
    "NOTICE: test/db/pgbouncer.test.ts: pgbouncer is not installed (apt-get install -y pgbouncer); PgBouncer tests skipped.",
  );

let dir = "";
const env = () => ({ ...process.env, PGBOUNCER_DIR: dir });
let db: TestDatabase;
let bouncerUrl: string;

function script(command: string): string {
  const run = Bun.spawnSync(["bash", SCRIPT, command], { env: env() });
  if (run.exitCode !== 0) throw new Error(`pgbouncer.sh ${command} failed: ${run.stderr.toString()}`);
  return run.stdout.toString().trim();
}

describe.skipIf(!installed)("through PgBouncer (transaction pooling)", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "fsp-pgbouncer-"));
    db = await createEmptyTestDatabase();
    await db.sql`create table runs (id serial primary key, run int not null, step int not null, at timestamptz not null default clock_timestamp())`;
    const url = new URL(db.url);
    url.hostname = "127.0.0.1";
    url.port = script("start");
    bouncerUrl = url.toString();
  });
  afterAll(async () => {
    script("stop");
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  test("statements work without named prepared statements, also with parameters of many types", async () => {
    const rows = await withDatabase(bouncerUrl, async (sql) => {
      const out = [];
      for (let i = 0; i < 5; i++)
        out.push((await sql`select ${i}::int + 1 as n, ${"x"}::text as s, ${[1, 2]}::int[] as a`)[0]);
      return out;
    });
    expect(rows.map((r) => r!.n)).toEqual([1, 2, 3, 4, 5]);
  });

  test("concurrent runs through PgBouncer serialise on the transaction-scoped advisory lock", async () => {
    const runs = 6;
    await Promise.all(
      Array.from({ length: runs }, (_, run) =>
        withDatabase(bouncerUrl, (sql) =>
          withTransaction(sql, async (tx) => {
            for (let step = 0; step < 3; step++) {
              await tx`insert into runs (run, step) values (${run}, ${step})`;
              await Bun.sleep(20);
            }
          }),
        ),
      ),
    );
    const rows = await db.sql<{ run: number; step: number }[]>`select run, step from runs order by at`;
    expect(rows.length).toBe(runs * 3);
    // Serialised: each run's three steps are consecutive, never interleaved with another run's.
    for (let i = 0; i < rows.length; i += 3) {
      const block = rows.slice(i, i + 3);
      expect(block.map((r) => r.step)).toEqual([0, 1, 2]);
      expect(new Set(block.map((r) => r.run)).size).toBe(1);
    }
  });

  test("a dry run through PgBouncer leaves nothing behind and releases the lock", async () => {
    const before = (await db.sql`select count(*)::int as n from runs`)[0]!.n;
    await withDatabase(bouncerUrl, (sql) =>
      withTransaction(sql, (tx) => tx`insert into runs (run, step) values (99, 0)`, { rollback: true }),
    );
    await withDatabase(bouncerUrl, (sql) => withTransaction(sql, (tx) => tx`select 1`));
    expect((await db.sql`select count(*)::int as n from runs`)[0]!.n).toBe(before);
  });
});
