/**
 * What a run wrote, table by table, as COPY text: the yardstick loads exactly these rows again, so it covers
 * every row kind the workload writes (whatever §5 or a later issue adds) without a list to keep up to date.
 * A watermark taken before the run (rows and highest id per table) separates the run's rows from the ones the
 * database already had (Django's permissions, content types, sites and the like).
 */
import postgres from "postgres";

export interface TableMark {
  rows: number;
  /** Highest integer id, or null when the table has no integer `id` column. */
  maxId: number | null;
}

export interface WrittenTable {
  table: string;
  rows: number;
  /** The rows in COPY's text format, as PostgreSQL sent them. */
  data: Buffer[];
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Rows and highest id of every table in the public schema, in one statement. */
export async function watermark(url: string): Promise<Map<string, TableMark>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<{ table: string; has_id: boolean }[]>`
      select t.table_name as table,
             exists (select 1 from information_schema.columns c
                     where c.table_schema = t.table_schema and c.table_name = t.table_name
                       and c.column_name = 'id' and c.data_type in ('integer', 'bigint', 'smallint')) as has_id
      from information_schema.tables t
      where t.table_schema = 'public' and t.table_type = 'BASE TABLE'
      order by t.table_name`;
    const parts = tables.map(
      ({ table, has_id }) =>
        `select '${table.replaceAll("'", "''")}' as table, count(*)::bigint as rows, ${has_id ? "max(id)::bigint" : "null::bigint"} as max_id from public.${ident(table)}`,
    );
    const marks = new Map<string, TableMark>();
    if (parts.length === 0) return marks;
    const counted = await sql.unsafe<{ table: string; rows: string; max_id: string | null }[]>(
      parts.join(" union all "),
    );
    for (const r of counted)
      marks.set(r.table, { rows: Number(r.rows), maxId: r.max_id === null ? null : Number(r.max_id) });
    return marks;
  } finally {
    await sql.end();
  }
}

/** The rows written since `before`, per table that grew (alphabetical). Throws when they cannot be told apart. */
export async function captureWritten(url: string, before: Map<string, TableMark>): Promise<WrittenTable[]> {
  const after = await watermark(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const written: WrittenTable[] = [];
    for (const [table, now] of after) {
      const was = before.get(table) ?? { rows: 0, maxId: null };
      if (now.rows === was.rows) continue;
      let source: string;
      if (was.rows === 0) source = `public.${ident(table)}`;
      else if (was.maxId !== null) source = `(select * from public.${ident(table)} where id > ${was.maxId})`;
      else throw new Error(`yardstick: ${table} had rows before the run and no integer id to tell the new ones by`);
      const data = await copyOut(sql, `copy ${source} to stdout`);
      const rows = data.reduce((n, chunk) => n + countLines(chunk), 0);
      if (rows !== now.rows - was.rows) {
        throw new Error(`yardstick: ${table} grew by ${now.rows - was.rows} rows but ${rows} were told apart as new`);
      }
      written.push({ table, rows, data });
    }
    return written;
  } finally {
    await sql.end();
  }
}

/**
 * The output of a COPY TO, read in flowing mode. Not `for await`: once postgres.js has paused the socket for
 * backpressure at the end of a large COPY, the next query on the connection never gets its reply (seen with
 * postgres 3.4.9 under Bun; upstream issues porsager/postgres#499 and #917 describe the same hang).
 */
async function copyOut(sql: postgres.Sql, statement: string): Promise<Buffer[]> {
  const readable = await sql.unsafe(statement).readable();
  return new Promise((resolve, reject) => {
    const data: Buffer[] = [];
    readable.on("data", (chunk: Buffer) => data.push(chunk));
    readable.on("end", () => resolve(data));
    readable.on("error", reject);
  });
}

/** COPY's text format ends every row with a newline and escapes the ones inside values. */
function countLines(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}
