/** The statements and key bookkeeping of a reset (reset.ts): set-based DELETEs that report the keys they removed. */
import { quoteIdent as q, type ForeignKey } from "./sql/catalog.ts";
import { filterCondition, type Filter } from "./reset-guard.ts";

/** Deleted key values: table → referenced column → values (as text). */
export type Keys = Map<string, Map<string, string[]>>;

/** The DELETE of one table in one wave; returns the count and, per referenced column, the deleted values. */
export function deleteStatement(
  table: string,
  filters: Filter[],
  self: { key: string; columns: string[] } | null,
  keyColumns: string[],
): { text: string; params: string[][]; keyColumns: string[] } {
  const params = filters.map((f) => f.values);
  const where = filters.map((f, i) => filterCondition(f, i + 1)).join(" or ");
  const t = `public.${q(table)}`;
  const returning = keyColumns.length ? keyColumns.map((c, i) => `${q(c)}::text as k${i}`).join(", ") : "1";
  const target = self ? `${q(self.key)} in (select k from doomed)` : where;
  const recursion = self
    ? `with recursive doomed(k) as (select ${q(self.key)} from ${t} where ${where} union ` +
      `select c.${q(self.key)} from ${t} c join doomed d on ${self.columns.map((col) => `c.${q(col)} = d.k`).join(" or ")}), `
    : "with ";
  const aggregates = keyColumns
    .map((_, i) => `, coalesce(array_agg(k${i}) filter (where k${i} is not null), '{}') as k${i}`)
    .join("");
  const text = `${recursion}gone as (delete from ${t} where ${target} returning ${returning}) select count(*)::int as n${aggregates} from gone`;
  return { text, params, keyColumns };
}

/** Per table, the columns other tables' FKs point at (usually just `id`): what a DELETE must report back. */
export function referencedColumns(fks: ForeignKey[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const fk of fks) {
    const columns = map.get(fk.refTable) ?? [];
    if (!columns.includes(fk.refColumn)) columns.push(fk.refColumn);
    map.set(fk.refTable, columns);
  }
  return map;
}

/**
 * Tables whose cascading self-references all point at one column (segments → version_of, segment
 * rules → parent rule): their descendants are deleted in the same statement. Any other shape is left
 * to the waves, which also reach every descendant, just in more statements.
 */
export function selfReferences(cascade: ForeignKey[]): Map<string, { key: string; columns: string[] }> {
  const map = new Map<string, { key: string; columns: string[] }>();
  const mixed = new Set<string>();
  for (const fk of cascade.filter((f) => f.table === f.refTable)) {
    const found = map.get(fk.table);
    if (!found) map.set(fk.table, { key: fk.refColumn, columns: [fk.column] });
    else if (found.key === fk.refColumn) found.columns.push(fk.column);
    else mixed.add(fk.table);
  }
  for (const table of mixed) map.delete(table);
  return map;
}

/** Adds a wave's deletions to `all`; returns them (they are all new: a row is deleted only once). */
export function mergeKeys(all: Keys, waves: Keys[]): Keys {
  const fresh: Keys = new Map();
  for (const wave of waves) {
    for (const [table, columns] of wave) {
      if (![...columns.values()].some((v) => v.length)) continue;
      fresh.set(table, columns);
      const known = all.get(table) ?? new Map<string, string[]>();
      for (const [column, values] of columns) known.set(column, [...(known.get(column) ?? []), ...values]);
      all.set(table, known);
    }
  }
  return fresh;
}

export function unique(values: string[]): string[] {
  return [...new Set(values)];
}
