import type { Sql } from "../context.ts";

/** One single-column foreign key in schema public, as PostgreSQL declares it. */
export interface ForeignKey {
  table: string;
  column: string;
  /** The referencing column accepts NULL (it can be cleared instead of its row deleted). */
  nullable: boolean;
  refTable: string;
  refColumn: string;
  /** SQL type of the referenced column (e.g. `integer`, `character varying`), for typed `= ANY($1)` casts. */
  refType: string;
}

/** What the reset engine needs to know about the target schema, read from pg_catalog. */
export interface Catalog {
  foreignKeys: ForeignKey[];
  /** django-simple-history tables (`history_id` + `history_type` columns): their rows are kept on reset. */
  historyTables: Set<string>;
  /**
   * Referencing tables that may hold rows (their heap has at least one page; an over-approximation
   * that is never wrong in the unsafe direction, unlike the planner's statistics, which lag behind).
   */
  filledTables: Set<string>;
}

interface Row extends ForeignKey {
  history: boolean;
  filled: boolean;
}

/**
 * Reads every foreign key of schema public with what a reset needs about the referencing table, in
 * one query. Flagsmith's FKs are all single-column (Django creates no composite keys); a composite
 * one would be skipped here, which can only make PostgreSQL refuse the COMMIT, never lose data.
 */
export async function readCatalog(sql: Sql): Promise<Catalog> {
  const rows = await sql<Row[]>`
    with fk as (
      select c.conrelid, c.confrelid, c.conkey[1] as attnum, c.confkey[1] as refattnum
      from pg_constraint c
      where c.contype = 'f' and cardinality(c.conkey) = 1 and c.connamespace = 'public'::regnamespace
    ), referencing as (
      select distinct on (conrelid) conrelid,
             pg_relation_size(conrelid) > 0 as filled,
             (select count(*) from pg_attribute h where h.attrelid = conrelid and h.attname in ('history_id', 'history_type') and not h.attisdropped) = 2 as history
      from fk
    )
    select cl.relname as "table", a.attname as "column", not a.attnotnull as nullable,
           pcl.relname as "refTable", pa.attname as "refColumn", format_type(pa.atttypid, null) as "refType",
           r.filled, r.history
    from fk
    join referencing r on r.conrelid = fk.conrelid
    join pg_class cl on cl.oid = fk.conrelid
    join pg_class pcl on pcl.oid = fk.confrelid and pcl.relnamespace = 'public'::regnamespace
    join pg_attribute a on a.attrelid = fk.conrelid and a.attnum = fk.attnum
    join pg_attribute pa on pa.attrelid = fk.confrelid and pa.attnum = fk.refattnum
    order by 1, 2`;
  return {
    foreignKeys: rows.map(({ table, column, nullable, refTable, refColumn, refType }) => ({
      table,
      column,
      nullable,
      refTable,
      refColumn,
      refType,
    })),
    historyTables: new Set(rows.filter((r) => r.history).map((r) => r.table)),
    filledTables: new Set(rows.filter((r) => r.filled).map((r) => r.table)),
  };
}

/** `"name"`: an identifier read from the catalog, quoted for SQL text (values are always bound, never quoted). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
