/**
 * The yardstick: how long PostgreSQL's COPY takes to load every row a workload's apply wrote (every table it
 * wrote to, the same rows) into a fresh database with the same schema, indexes and deferred foreign keys, in
 * ONE transaction as the apply does, timed from BEGIN to the end of COMMIT (where the deferred foreign keys
 * are checked). The connection is opened before the clock starts; the apply's figure includes its process
 * start, connection, reading files and planning, so the yardstick is the floor for the database's share.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import type { WrittenTable } from "./written-rows.ts";

export interface CopyRun {
  /** BEGIN to the end of COMMIT. */
  ms: number;
  /** Of ms, the COMMIT. */
  commitMs: number;
}

/** Loads `written` into the database at url with one COPY per table, in one transaction. */
export async function copyYardstick(url: string, written: WrittenTable[]): Promise<CopyRun> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select 1`;
    const started = performance.now();
    let copied = started;
    await sql.begin(async (tx) => {
      for (const { table, data } of written) {
        const writable = await tx.unsafe(`copy public."${table}" from stdin`).writable();
        await pipeline(Readable.from(data), writable);
      }
      copied = performance.now();
    });
    const ended = performance.now();
    return { ms: ended - started, commitMs: ended - copied };
  } finally {
    await sql.end();
  }
}

/** One line per table, most rows first: what the yardstick loads. */
export function describeWritten(written: WrittenTable[]): string {
  const total = written.reduce((n, t) => n + t.rows, 0);
  const tables = [...written].sort((a, b) => b.rows - a.rows || a.table.localeCompare(b.table));
  return `${total} rows in ${written.length} tables: ${tables.map((t) => `${t.table} ${t.rows}`).join(", ")}`;
}
