import type postgres from "postgres";
import { quoteIdent as q, readCatalog } from "../../src/flagsmith/sql/catalog.ts";

/**
 * Plain-SQL seeding for reset tests that works on any Flagsmith schema version: `insertRow` fills
 * every NOT NULL column the test does not give with a harmless value of its type (Flagsmith has no
 * column defaults), and refuses to invent a NOT NULL foreign key, which could silently point at an
 * unrelated row.
 */
export interface Seeder {
  insert(table: string, values: Record<string, unknown>): Promise<Record<string, unknown>>;
  has(table: string): boolean;
  hasColumn(table: string, column: string): boolean;
}

interface Column {
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  maxLength: number | null;
}

export async function createSeeder(sql: postgres.Sql): Promise<Seeder> {
  const rows = await sql<
    { table: string; name: string; type: string; notNull: boolean; hasDefault: boolean; maxLength: number | null }[]
  >`
    select c.relname as "table", a.attname as name, format_type(a.atttypid, null) as type, a.attnotnull as "notNull",
           (a.atthasdef or a.attidentity <> '') as "hasDefault",
           case when a.atttypmod > 4 and a.atttypid = 'varchar'::regtype then a.atttypmod - 4 end as "maxLength"
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped order by a.attnum`;
  const tables = new Map<string, Column[]>();
  for (const r of rows) tables.set(r.table, [...(tables.get(r.table) ?? []), r]);
  const fkColumns = new Set((await readCatalog(sql)).foreignKeys.map((fk) => `${fk.table}.${fk.column}`));
  let counter = 0;

  return {
    has: (table) => tables.has(table),
    hasColumn: (table, column) => tables.get(table)?.some((c) => c.name === column) ?? false,
    async insert(table, values) {
      const columns = tables.get(table);
      if (!columns) throw new Error(`no table ${table}`);
      const names: string[] = [];
      const exprs: string[] = [];
      const params: unknown[] = [];
      for (const column of columns) {
        if (column.name in values) {
          names.push(q(column.name));
          params.push(values[column.name]);
          exprs.push(`$${params.length}::${column.type}`);
          continue;
        }
        if (!column.notNull || column.hasDefault) continue;
        if (fkColumns.has(`${table}.${column.name}`))
          throw new Error(`seed ${table}: give the foreign key ${column.name}`);
        names.push(q(column.name));
        exprs.push(dummy(column, `${table}.${column.name}.${counter++}`));
      }
      for (const key of Object.keys(values)) {
        if (!columns.some((c) => c.name === key)) throw new Error(`seed ${table}: no column ${key}`);
      }
      const [row] = await sql.unsafe(
        `insert into public.${q(table)} (${names.join(", ")}) values (${exprs.join(", ")}) returning *`,
        params as never[],
      );
      return row as Record<string, unknown>;
    },
  };
}

function dummy(column: Column, unique: string): string {
  const t = column.type;
  if (t === "interval") return "'1 minute'::interval";
  if (/int|numeric|double|real/.test(t)) return "1";
  if (t === "boolean") return "false";
  if (t.startsWith("timestamp") || t === "date") return "now()";
  if (t === "uuid") return "gen_random_uuid()";
  if (t === "jsonb" || t === "json") return `'{}'::${t}`;
  if (t.endsWith("[]")) return `'{}'::${t}`;
  if (t === "text" || t.startsWith("character")) {
    const text = column.maxLength !== null ? unique.slice(-column.maxLength) : unique;
    return `'${text.replaceAll("'", "''")}'`;
  }
  throw new Error(`no dummy value for ${column.name} of type ${t}`);
}
