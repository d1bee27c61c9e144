/**
 * Link rows between two known rows (a feature's tags, owners): found in one query by their id pairs, written in
 * one statement. The entities come with their key and the keys of the two rows they link (ids known by then).
 */
import type { Sourced } from "../../kinds/index.ts";
import type { Sql } from "../context.ts";
import { insertBatch } from "./batch.ts";
import { guardWrite, type Written } from "./write-error.ts";

/** A link table: its two id columns. */
export interface LinkTable {
  table: string;
  left: string;
  right: string;
}

/** One wanted link: its idempotency key and the ids of the rows it links (undefined: not there yet). */
export interface WantedLink {
  key: string;
  left: number | string | undefined;
  right: number | string | undefined;
}

/** Keys of the wanted links that exist; links whose ends do not exist yet cannot. */
export async function findLinks(sql: Sql, link: LinkTable, wanted: WantedLink[]): Promise<Map<string, number>> {
  const pairs = wanted.flatMap((w) =>
    typeof w.left === "number" && typeof w.right === "number" ? [{ key: w.key, l: w.left, r: w.right }] : [],
  );
  if (pairs.length === 0) return new Map();
  const rows = await sql.unsafe<{ key: string; id: number }[]>(
    `select w.key, t.id from jsonb_to_recordset($1::text::jsonb) as w(key text, l int, r int)
     join public.${link.table} t on t.${link.left} = w.l and t.${link.right} = w.r`,
    [JSON.stringify(pairs)],
  );
  return new Map(rows.map((r) => [r.key, r.id]));
}

/** Inserts the links (ids must be known: their ends exist or were created earlier in the run). */
export async function insertLinks(
  sql: Sql,
  link: LinkTable,
  kind: string,
  links: Array<{ left: number; right: number; written: Written & Partial<Sourced> }>,
): Promise<void> {
  await guardWrite(
    kind,
    links.map((l) => l.written),
    () =>
      insertBatch(
        sql,
        { table: link.table, columns: { [link.left]: "int", [link.right]: "int" } },
        links.map((l) => ({ [link.left]: l.left, [link.right]: l.right })),
      ),
  );
}
