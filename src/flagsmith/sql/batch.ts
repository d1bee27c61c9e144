/**
 * Batched statements: a whole kind in one statement, however many entities (ARCHITECTURE §6).
 *
 * USAGE (for every flagsmith/ writer and reader):
 *
 *   // Multi-row INSERT … SELECT FROM jsonb_to_recordset($1) … RETURNING, one statement per call.
 *   const rows = await insertBatch<{ id: number; name: string }>(sql, {
 *     table: "projects_project",
 *     columns: { name: "text", organisation_id: "int" },          // read from each input row (JSON → type)
 *     computed: { uuid: "gen_random_uuid()", created_date: "now()", hide_disabled_flags: "false" },
 *     returning: ["id", "name"],
 *   }, [{ name: "Web", organisation_id: 3 }, …]);
 *   // Match returned rows by a unique column (never by position: RETURNING order is not promised).
 *
 *   // Lookups keyed by any tuple: the idempotency key travels through SQL and comes back.
 *   const found = await sql<{ key: string; id: number }[]>`
 *     select k.key, t.id from ${recordset(sql, rows)} as k(key text, o int, u int)
 *     join some_table t on t.organisation_id = k.o and t.user_id = k.u`;
 *
 * `computed` values are SQL expressions written in code (never user values): constants, now()
 * (the transaction's time, the same for every row of the run), gen_random_uuid().
 * Input values are bound as ONE jsonb parameter, so there is no parameter limit and no SQL built from values.
 */
import type postgres from "postgres";
import type { Sql } from "../context.ts";

/** What to insert: input columns (name → Postgres type), database-computed columns, and what to return. */
export interface InsertSpec<Row extends Record<string, unknown>> {
  table: string;
  /** Columns taken from each input row, with the Postgres type to read the JSON value as. */
  columns: { [C in keyof Row & string]: string };
  /** Columns filled by an SQL expression written in code, e.g. `{ created_date: "now()" }`. */
  computed?: Record<string, string>;
  /** Columns to return (default `["id"]`). */
  returning?: string[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function ident(name: string): string {
  // Names come from code, never from input; the check keeps it that way.
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}

/**
 * Inserts every row in one `INSERT … SELECT FROM jsonb_to_recordset($1)` statement; returns the `returning` columns.
 */
export async function insertBatch<
  Out extends Record<string, unknown>,
  Row extends Record<string, unknown> = Record<string, unknown>,
>(sql: Sql, spec: InsertSpec<Row>, rows: Row[]): Promise<Out[]> {
  if (rows.length === 0) return [];
  const input = Object.entries(spec.columns) as [string, string][];
  const computed = Object.entries(spec.computed ?? {});
  const targets = [...input.map(([c]) => ident(c)), ...computed.map(([c]) => ident(c))].join(", ");
  const values = [...input.map(([c]) => `r.${ident(c)}`), ...computed.map(([, expr]) => expr)].join(", ");
  const shape = input.map(([c, type]) => `${ident(c)} ${type}`).join(", ");
  const returning = (spec.returning ?? ["id"]).map(ident).join(", ");
  const text =
    `insert into public.${ident(spec.table)} (${targets}) ` +
    `select ${values} from jsonb_to_recordset($1::text::jsonb) as r(${shape}) returning ${returning}`;
  return (await sql.unsafe(text, [JSON.stringify(rows)])) as unknown as Out[];
}

/**
 * A `jsonb_to_recordset(<rows as one parameter>)` fragment for tagged-template queries; add the
 * column definition list after it (`as k(key text, id int)`).
 */
export function recordset(sql: Sql, rows: readonly Record<string, unknown>[]): postgres.PendingQuery<postgres.Row[]> {
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)`;
}
