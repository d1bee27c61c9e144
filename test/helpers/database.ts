import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import postgres from "postgres";

/**
 * Fresh PostgreSQL databases for tests. Each call creates its own database (named `fsp_test_…`)
 * from a template loaded once per server; `drop()` removes it. Never touches other databases.
 *
 * Schemas: "fixture" is our own hand-written schema (test/fixtures/schema.sql); "v2.265.0" and
 * "v2.203.0" are the real dumps from ../shared/flagsmith, available only where that folder exists.
 */
export type SchemaName = "fixture" | "v2.265.0" | "v2.203.0";

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SHARED = join(import.meta.dir, "..", "..", "..", "shared", "flagsmith");

/** Where each schema's SQL lives; null when it is not available on this machine. */
export function schemaFile(schema: SchemaName): string | null {
  const path =
    schema === "fixture"
      ? join(import.meta.dir, "..", "fixtures", "schema.sql")
      : join(SHARED, `flagsmith-${schema}.sql`);
  return existsSync(path) ? path : null;
}

/** The schemas tests should run against here: the fixture always, the real dumps when ../shared exists. */
export function availableSchemas(): SchemaName[] {
  return (["fixture", "v2.265.0", "v2.203.0"] as const).filter((s) => schemaFile(s) !== null);
}

/** Says once, visibly, why the real-dump variants of a suite are skipped. */
export function noticeMissingDumps(suite: string): void {
  if (schemaFile("v2.265.0") === null) {
    console.warn(`NOTICE: ${suite}: ../shared/flagsmith not found; real-dump variants skipped (fixture only).`);
  }
}

function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = "/" + database;
  return url.toString();
}

async function withAdmin<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

function templateName(schema: string, path: string): string {
  // The template name changes with the file's content, so an edited fixture is never served stale.
  const hash = Bun.hash(readFileSync(path)).toString(36).slice(0, 10);
  return `fsp_tpl_${schema.replace(/\W/g, "_")}_${hash}`;
}

async function ensureTemplate(schema: SchemaName): Promise<string> {
  const path = schemaFile(schema);
  if (!path)
    throw new Error(
      `schema ${schema} is not available (${schema === "fixture" ? "test/fixtures/schema.sql" : "../shared/flagsmith"} missing)`,
    );
  return ensureTemplateOf(schema, path);
}

/** A template database loaded from the plain SQL at `path` (once per server and content), named after `label`. */
async function ensureTemplateOf(label: string, path: string): Promise<string> {
  const name = templateName(label, path);
  return withAdmin(async (admin) => {
    // Serialise template creation across concurrently running test files.
    await admin`select pg_advisory_lock(hashtext(${name}))`;
    try {
      const [found] = await admin`select 1 from pg_database where datname = ${name}`;
      if (!found) {
        const building = `${name}_building_${process.pid}`;
        await admin.unsafe(`create database "${building}"`);
        const loader = postgres(urlFor(building), { max: 1, onnotice: () => {} });
        try {
          await loader.unsafe(readFileSync(path, "utf8")).simple();
        } finally {
          await loader.end();
        }
        await admin.unsafe(`alter database "${building}" rename to "${name}"`);
      }
    } finally {
      await admin`select pg_advisory_unlock(hashtext(${name}))`;
    }
    return name;
  });
}

export interface TestDatabase {
  name: string;
  url: string;
  /** A connection for assertions (closed by drop). */
  sql: postgres.Sql;
  drop(): Promise<void>;
}

let counter = 0;

/** Creates a fresh database with the given Flagsmith schema. */
export async function createTestDatabase(schema: SchemaName): Promise<TestDatabase> {
  return createDatabaseFrom(await ensureTemplate(schema));
}

/**
 * Creates a fresh database holding a plain-SQL dump (e.g. ../shared/flagsmith/populated/*.sql, databases Flagsmith
 * itself filled), loaded the way the schema dumps are.
 */
export async function createTestDatabaseFromDump(path: string): Promise<TestDatabase> {
  return createDatabaseFrom(await ensureTemplateOf(basename(path, ".sql"), path));
}

/** Creates a fresh database with no tables at all (a server whose Flagsmith has not migrated yet). */
export async function createEmptyTestDatabase(): Promise<TestDatabase> {
  return createDatabaseFrom("template0");
}

/** Loads a schema's SQL into an existing test database (e.g. to play Flagsmith's migrations arriving). */
export async function loadSchema(url: string, schema: SchemaName): Promise<void> {
  const path = schemaFile(schema);
  if (!path) throw new Error(`schema ${schema} is not available`);
  const loader = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await loader.unsafe(readFileSync(path, "utf8")).simple();
  } finally {
    await loader.end();
  }
}

async function createDatabaseFrom(template: string): Promise<TestDatabase> {
  const name = `fsp_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await withAdmin((admin) => admin.unsafe(`create database "${name}" template "${template}"`));
  const url = urlFor(name);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  return {
    name,
    url,
    sql,
    async drop() {
      await sql.end();
      await withAdmin((admin) => admin.unsafe(`drop database if exists "${name}" with (force)`));
    },
  };
}

/** A checksum of every row of every table, to prove a re-run changed nothing. */
export async function checksumAllTables(sql: postgres.Sql): Promise<string> {
  const tables = await sql<{ name: string }[]>`
    select quote_ident(table_name) as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`;
  const parts: string[] = [];
  for (const { name } of tables) {
    const [row] = await sql.unsafe(
      `select count(*)::text as n, coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as h from public.${name} t`,
    );
    parts.push(`${name}:${row!.n}:${row!.h}`);
  }
  return Bun.hash(parts.join("\n")).toString(16);
}
