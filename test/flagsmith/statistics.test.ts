import { afterAll, beforeAll, expect, test } from "bun:test";
import { applyCommand } from "../../src/commands/apply.ts";
import type { Io } from "../../src/io.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

/** A run that creates project contents leaves fresh planner statistics, so the next run's reads stay linear. */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("fixture");
}, 60_000);
afterAll(() => db?.drop(), 60_000);

const reltuples = async (table: string) =>
  Number(
    (
      await db.sql<
        { n: number }[]
      >`select reltuples::float8 as n from pg_class where oid = ${`public.${table}`}::regclass`
    )[0]!.n,
  );

test("after creating features the planner knows how many rows there are", async () => {
  // A table never analyzed reports -1: the planner then guesses, and guessed wrong at scale.
  expect(await reltuples("features_featurestate")).toBe(-1);
  const io: Io = { env: {}, cwd: import.meta.dir, out: () => {}, err: () => {}, color: false };
  await applyCommand(
    { files: [], preset: "dev", dryRun: false, output: "text", databaseUrl: db.url, showEnvironmentKeys: false },
    io,
  );
  for (const table of ["features_feature", "features_featurestate", "segments_condition"]) {
    const [{ n }] = (await db.sql.unsafe(`select count(*)::int as n from public.${table}`)) as unknown as [
      { n: number },
    ];
    expect(n).toBeGreaterThan(0);
    expect({ table, estimate: await reltuples(table) }).toEqual({ table, estimate: n });
  }
}, 60_000);
