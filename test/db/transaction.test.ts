import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { withDatabase } from "../../src/db/connect.ts";
import { ADVISORY_LOCK_KEY, withTransaction } from "../../src/db/transaction.ts";
import { createEmptyTestDatabase, type TestDatabase } from "../helpers/database.ts";

// Creating databases from templates can take seconds while other suites hammer the server.
setDefaultTimeout(30_000);

let db: TestDatabase;

beforeAll(async () => {
  db = await createEmptyTestDatabase();
  await db.sql`create table marks (id serial primary key, who text not null, at timestamptz not null default clock_timestamp())`;
});
afterAll(() => db.drop());

const count = async () => Number((await db.sql`select count(*)::int as n from marks`)[0]!.n);

describe("withTransaction", () => {
  test("commits fn's writes and returns its result", async () => {
    const before = await count();
    const result = await withDatabase(db.url, (sql) =>
      withTransaction(sql, async (tx) => {
        await tx`insert into marks (who) values ('commit')`;
        return "done";
      }),
    );
    expect(result).toBe("done");
    expect(await count()).toBe(before + 1);
  });

  test("a throw rolls everything back and propagates", async () => {
    const before = await count();
    await expect(
      withDatabase(db.url, (sql) =>
        withTransaction(sql, async (tx) => {
          await tx`insert into marks (who) values ('thrown')`;
          throw new Error("half-way");
        }),
      ),
    ).rejects.toThrow("half-way");
    expect(await count()).toBe(before);
  });

  test("{ rollback: true } runs fn, returns its result and writes nothing", async () => {
    const before = await count();
    const seen = await withDatabase(db.url, (sql) =>
      withTransaction(
        sql,
        async (tx) => {
          await tx`insert into marks (who) values ('dry')`;
          return Number((await tx`select count(*)::int as n from marks`)[0]!.n);
        },
        { rollback: true },
      ),
    );
    expect(seen).toBe(before + 1);
    expect(await count()).toBe(before);
  });

  test("the advisory lock is taken first, and only for the transaction", async () => {
    await withDatabase(db.url, (sql) =>
      withTransaction(sql, async (tx) => {
        const [held] = await tx`
          select count(*)::int as n from pg_locks
          where locktype = 'advisory' and pid = pg_backend_pid() and granted
            and ((classid::bigint << 32) | objid::bigint) = ${ADVISORY_LOCK_KEY}::bigint`;
        expect(held!.n).toBe(1);
      }),
    );
    const [left] = await db.sql`select count(*)::int as n from pg_locks where locktype = 'advisory'`;
    expect(left!.n).toBe(0);
  });

  test("concurrent runs serialise: the second waits until the first commits", async () => {
    let releaseFirst!: () => void;
    const firstMayFinish = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstHasLock!: () => void;
    const firstLocked = new Promise<void>((resolve) => (firstHasLock = resolve));

    const first = withDatabase(db.url, (sql) =>
      withTransaction(sql, async (tx) => {
        await tx`insert into marks (who) values ('first')`;
        firstHasLock();
        await firstMayFinish;
        await Bun.sleep(300);
        await tx`insert into marks (who) values ('first-end')`;
      }),
    );
    await firstLocked;
    let secondSawFirst = -1;
    const second = withDatabase(db.url, (sql) =>
      withTransaction(sql, async (tx) => {
        await tx`insert into marks (who) values ('second')`;
        // Once the lock is ours, the first run's rows are committed and visible.
        secondSawFirst = Number((await tx`select count(*)::int as n from marks where who like 'first%'`)[0]!.n);
      }),
    );
    await Bun.sleep(200);
    releaseFirst();
    await Promise.all([first, second]);

    expect(secondSawFirst).toBeGreaterThanOrEqual(2);
    const rows = await db.sql<
      { who: string }[]
    >`select who from marks where who in ('first', 'first-end', 'second') order by at`;
    expect(rows.map((r) => r.who)).toEqual(["first", "first-end", "second"]);
  });
});
