import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import type postgres from "postgres";
import { READ_COLUMNS, WRITTEN_COLUMNS } from "../../src/flagsmith/sql/columns.ts";
import { availableSchemas, createTestDatabase, noticeMissingDumps, type TestDatabase } from "../helpers/database.ts";

// Creating databases from templates can take seconds while other suites hammer the server.
setDefaultTimeout(30_000);

// Our hand-written fixture must tell the same story as the real v2.265.0 schema for every table we
// touch, or tests on it would prove nothing about Flagsmith.
noticeMissingDumps("test/compat/fixture.test.ts");
const TABLES = [...new Set([...Object.keys(WRITTEN_COLUMNS), ...Object.keys(READ_COLUMNS)])].sort();

async function columns(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`
    select c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
           || case when a.attnotnull then ' not null' else '' end
           || case when a.attidentity <> '' or a.atthasdef then ' generated' else '' end as line
    from pg_attribute a join pg_class c on c.oid = a.attrelid
    where c.relnamespace = 'public'::regnamespace and c.relname = any(${TABLES}) and a.attnum > 0 and not a.attisdropped`;
  return rows.map((r) => r.line).sort();
}

/** Unique constraints and unique indexes as "table (expression) [where …]", and FKs with their deferral. */
async function constraints(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`
    select t.relname || ' unique ' || regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING btree ', '') as line
    from pg_index i join pg_class t on t.oid = i.indrelid
    where t.relnamespace = 'public'::regnamespace and t.relname = any(${TABLES}) and i.indisunique
    union all
    select t.relname || ' ' || pg_get_constraintdef(k.oid)
    from pg_constraint k join pg_class t on t.oid = k.conrelid join pg_class r on r.oid = k.confrelid
    where k.contype = 'f' and t.relnamespace = 'public'::regnamespace and t.relname = any(${TABLES})
      and r.relname = any(${TABLES})`;
  return rows.map((r) => r.line.replace(/public\./g, "")).sort();
}

describe.skipIf(!availableSchemas().includes("v2.265.0"))("test/fixtures/schema.sql matches Flagsmith v2.265.0", () => {
  let fixture: TestDatabase;
  let real: TestDatabase;
  beforeAll(async () => {
    [fixture, real] = await Promise.all([createTestDatabase("fixture"), createTestDatabase("v2.265.0")]);
  });
  afterAll(async () => {
    await Promise.all([fixture?.drop(), real?.drop()]);
  });

  test("same tables, columns, types, NOT NULL and generated ids", async () => {
    expect(await columns(fixture.sql)).toEqual(await columns(real.sql));
  });

  test("same unique constraints (incl. lowercase_feature_name) and deferred foreign keys", async () => {
    const mine = await constraints(fixture.sql);
    expect(mine.length).toBeGreaterThan(60);
    expect(mine).toContain("features_feature unique (lower((name)::text), project_id) WHERE (deleted_at IS NULL)");
    expect(mine).toEqual(await constraints(real.sql));
  });

  test("same permission keys and types, and the same site row", async () => {
    const read = (sql: postgres.Sql) =>
      Promise.all([
        sql`select key, type from permissions_permissionmodel order by key`,
        sql`select id, domain, name from django_site`,
      ]);
    expect(await read(fixture.sql)).toEqual(await read(real.sql));
  });
});
