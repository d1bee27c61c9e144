/**
 * django-simple-history '+' rows for rows we just inserted (WRITES.md §0.2): a copy of each row as
 * inserted, history_date now, no author (NULL history_user_id, as from a CLI). Cosmetic (audit
 * diffs, webhook "previous value"), written so the database matches what Flagsmith's ORM leaves.
 */
import type { WriteContext } from "../context.ts";
import { columnsFor } from "./columns.ts";

/**
 * Copies rows `ids` of `table` into `historyTable`, in id order, one statement. The copied columns
 * are the history table's written columns (columns.ts) present on this database, minus history_*.
 */
export async function copyToHistory(
  ctx: Pick<WriteContext, "sql" | "present">,
  tables: { table: string; historyTable: string },
  ids: number[],
): Promise<void> {
  if (ids.length === 0) return;
  const { sql } = ctx;
  const columns = columnsFor(tables.historyTable, ctx.present).filter((c) => !c.startsWith("history_"));
  await sql`
    insert into ${sql(tables.historyTable)} (${sql(columns)}, history_date, history_type)
    select ${sql(columns)}, now(), '+' from ${sql(tables.table)} where id = any(${ids}::int[]) order by id`;
}
