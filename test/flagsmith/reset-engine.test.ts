import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { ApplyError } from "../../src/errors.ts";
import { readCatalog } from "../../src/flagsmith/sql/catalog.ts";
import { resetDeclared, type ResetResult } from "../../src/flagsmith/reset.ts";
import { availableSchemas, createTestDatabase, noticeMissingDumps, type TestDatabase } from "../helpers/database.ts";
import {
  compareSnapshots,
  DECLARED,
  expectedTotals,
  seedScenario,
  snapshot,
  sortKeys,
  type Seeded,
  type Snapshot,
} from "../helpers/reset-scenario.ts";

noticeMissingDumps("reset engine");
setDefaultTimeout(60_000); // snapshots read every table of the real dumps twice

/** The row as it is now, found by its id (or authtoken's key) in the snapshot. */
function find(snap: Snapshot, s: Seeded) {
  const pk = s.row.id !== undefined ? "id" : "key";
  return [...snap.get(s.table)!.values()].find((r) => String(r[pk]) === String(s.row[pk])) ?? null;
}

for (const schema of availableSchemas()) {
  describe(`resetDeclared on ${schema}`, () => {
    let db: TestDatabase;
    let seeded: Seeded[];
    let before: Snapshot;
    let after: Snapshot;
    let result: ResetResult;

    beforeAll(async () => {
      db = await createTestDatabase(schema);
      seeded = await seedScenario(db.sql);
      before = await snapshot(db.sql);
      // Committing proves that every DEFERRABLE INITIALLY DEFERRED foreign key still holds.
      result = await db.sql.begin((tx) => resetDeclared(tx, DECLARED));
      after = await snapshot(db.sql);
    });
    afterAll(async () => db?.drop());

    test("every seeded row meets its fate: deleted, untouched, or only the listed columns cleared", () => {
      const wrong: string[] = [];
      for (const s of seeded) {
        const now = find(after, s);
        const was = find(before, s)!;
        if (s.fate === "deleted") {
          if (now) wrong.push(`${s.name} (${s.table}) survived`);
        } else if (!now) {
          wrong.push(`${s.name} (${s.table}) was deleted`);
        } else {
          const cleared = s.fate === "kept" ? [] : s.fate.nulled;
          const expected = { ...was, ...Object.fromEntries(cleared.map((c) => [c, null])) };
          if (JSON.stringify(now) !== JSON.stringify(expected))
            wrong.push(`${s.name} (${s.table}): ${JSON.stringify(was)} became ${JSON.stringify(now)}`);
          for (const c of cleared) if (was[c] === null) wrong.push(`${s.name}: ${c} was not set by the seed`);
        }
      }
      expect(wrong).toEqual([]);
    });

    test("nothing else in the database changed, and the result reports exactly what was done", () => {
      const diff = compareSnapshots(before, after);
      const expected = expectedTotals(seeded);
      expect(diff.other).toEqual([]);
      expect(sortKeys(diff.removed)).toEqual(expected.removed);
      expect(sortKeys(diff.nulled)).toEqual(expected.nulled);
      expect(sortKeys(result.deleted)).toEqual(expected.removed);
      expect(sortKeys(result.nulled)).toEqual(expected.nulled);
      // The scenario really exercises what matters on this schema.
      expect(expected.removed.organisations_organisation).toBe(2);
      expect(expected.removed.users_ffadminuser).toBe(1);
      expect(expected.nulled["features_historicalfeature.history_user_id"]).toBe(2);
    });

    test("no surviving row references a deleted row through any foreign key of the catalog", async () => {
      const catalog = await readCatalog(db.sql);
      const dangling: string[] = [];
      for (const fk of catalog.foreignKeys) {
        const gone = new Set(
          [...before.get(fk.refTable)!]
            .filter(([k]) => !after.get(fk.refTable)!.has(k))
            .map(([, r]) => String(r[fk.refColumn])),
        );
        if (gone.size === 0) continue;
        for (const row of after.get(fk.table)!.values()) {
          if (row[fk.column] !== null && gone.has(String(row[fk.column]))) dangling.push(`${fk.table}.${fk.column}`);
        }
      }
      expect(dangling).toEqual([]);
    });

    test("statements are bounded by the schema, and a second reset finds nothing", async () => {
      const catalog = await readCatalog(db.sql);
      expect(result.statements).toBeLessThan(catalog.foreignKeys.length);
      const again = await db.sql.begin((tx) => resetDeclared(tx, DECLARED));
      expect(again.deleted).toEqual({});
      expect(again.nulled).toEqual({});
    });

    test("declaring nothing touches nothing", async () => {
      expect(await db.sql.begin((tx) => resetDeclared(tx, { organisations: [], emails: [] }))).toEqual({
        deleted: {},
        nulled: {},
        statements: 0,
      });
      expect(
        await db.sql.begin((tx) => resetDeclared(tx, { organisations: ["Other "], emails: ["bob@example.co"] })),
      ).toMatchObject({ deleted: {}, nulled: {} });
      expect(compareSnapshots(after, await snapshot(db.sql))).toEqual({ removed: {}, nulled: {}, other: [] });
    });
  });
}

test("a reference the engine cannot follow fails the reset with a named error, inside the transaction", async () => {
  const db = await createTestDatabase(availableSchemas()[0]!);
  try {
    // A composite foreign key (Flagsmith has none): the catalog reader skips it, so nothing clears it.
    await db.sql.unsafe(`
      create unique index extra_user_id_email on public.users_ffadminuser (id, email);
      create table public.extra_badge (id serial primary key, user_id integer, user_email varchar(254),
        foreign key (user_id, user_email) references public.users_ffadminuser (id, email) deferrable initially deferred)`);
    const [alice] =
      await db.sql`insert into public.users_ffadminuser (password, is_superuser, first_name, last_name, email, is_staff, is_active, date_joined, marketing_consent_given, uuid)
      values ('!', false, '', '', 'alice@example.com', false, true, now(), true, gen_random_uuid()) returning id, email`;
    await db.sql`insert into public.extra_badge (user_id, user_email) values (${alice!.id}, ${alice!.email})`;
    const error = await db.sql
      .begin((tx) => resetDeclared(tx, { organisations: [], emails: ["alice@example.com"] }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(ApplyError);
    expect(error.message).toStartWith('reset could not remove every reference to user "alice@example.com": ');
    expect(error.details.code).toBe("23503");
    expect(await db.sql`select 1 from public.users_ffadminuser`).toHaveLength(1);
  } finally {
    await db.drop();
  }
});
