import { quoteIdent as q, type ForeignKey } from "./sql/catalog.ts";
import { UserError, type Issue, type Position } from "../errors.ts";

export const USERS = "users_ffadminuser";
export const ORGANISATIONS = "organisations_organisation";
const MEMBERSHIPS = "organisations_userorganisation";

/**
 * One `column = ANY($n)` filter of a reset statement; `fk` is the reference it follows (none for the starting rows).
 */
export interface Filter {
  column: string;
  /** Compare `lower(column)`: emails are matched case-insensitively, as Flagsmith's login does. */
  lower?: boolean;
  type: string;
  values: string[];
  fk?: ForeignKey;
}

/** `column = any($n)`, the column qualified by `alias` when given. */
export function filterCondition(filter: Filter, n: number, alias?: string): string {
  const column = alias ? `${alias}.${q(filter.column)}` : q(filter.column);
  return `${filter.lower ? `lower(${column})` : column} = any($${n}::text[]::${filter.type}[])`;
}

/**
 * Per table whose rows belong to an organisation, the foreign keys leading from it up to
 * organisations_organisation (none for that table itself). NOT NULL chains are preferred (every row
 * has one); a table reachable only through nullable columns gets such a chain, and a row whose chain
 * is NULL has no organisation. Users are shared between organisations, so no chain goes through them.
 */
export function organisationPaths(foreignKeys: ForeignKey[]): Map<string, ForeignKey[]> {
  const paths = new Map<string, ForeignKey[]>([[ORGANISATIONS, []]]);
  const edges = foreignKeys.filter((fk) => fk.table !== USERS && fk.refTable !== USERS && fk.table !== fk.refTable);
  for (const usable of [edges.filter((fk) => !fk.nullable), edges]) {
    let frontier = new Set(paths.keys());
    while (frontier.size) {
      const next = new Set<string>();
      for (const fk of usable) {
        if (paths.has(fk.table) || !frontier.has(fk.refTable)) continue;
        paths.set(fk.table, [fk, ...paths.get(fk.refTable)!]);
        next.add(fk.table);
      }
      frontier = next;
    }
  }
  return paths;
}

/**
 * A row that deleting a declared user would take with it, though it belongs to an organisation the sources do not
 * declare.
 */
export interface UndeclaredRow {
  /** The key (id) of the declared user it references directly; null deeper in the walk. */
  user: string | null;
  /** null: the row references organisation data that belongs to no organisation (a NULL in its chain). */
  organisation: string | null;
  deleted: boolean;
  table: string;
}

/**
 * The query that finds, of the rows one wave of the users' walk is about to delete, those that still
 * reference data of an organisation (null when no table of the wave can). The declared organisations
 * are gone by then, with every row that referenced them, so whatever such a row still references
 * belongs to an organisation the sources do not declare: a membership, a group membership, a
 * permission, a feature ownership, an approval, an invitation… Its rows are `UndeclaredRow`s.
 *
 * Soft-deleted organisations count like live ones (no `deleted_at` filter): django-softdelete can
 * restore them with everything they held, so their rows are still someone else's data. In practice
 * this costs nothing: Flagsmith's soft delete hard-deletes the plain rows that reference the
 * organisation (memberships, groups, permissions) at that moment, so a deleted organisation rarely
 * still holds a declared user's rows, and when it does the message says it was deleted.
 */
export function undeclaredRowsQuery(
  foreignKeys: ForeignKey[],
  paths: Map<string, ForeignKey[]>,
  wave: Map<string, Filter[]>,
): { text: string; params: (string | string[])[] } | null {
  const params: (string | string[])[] = [];
  const parts: string[] = [];
  for (const [table, filters] of wave) {
    const outward = foreignKeys.filter((fk) => fk.table === table && paths.has(fk.refTable));
    if (!outward.length) continue;
    const first = params.length + 1;
    params.push(...filters.map((f) => f.values), table);
    const where = filters.map((f, i) => filterCondition(f, first + i, "t")).join(" or ");
    const user = filters.find((f) => f.fk?.refTable === USERS);
    const userKey = user ? `t.${q(user.column)}::text` : "null::text";
    for (const fk of outward) {
      const path = paths.get(fk.refTable)!;
      const chain = path.map(
        (hop, i) =>
          `left join public.${q(hop.refTable)} r${i + 1} on r${i + 1}.${q(hop.refColumn)} = r${i}.${q(hop.column)}`,
      );
      const org = `r${path.length}`;
      parts.push(
        `select ${userKey} as "user", ${org}.name::text as organisation, coalesce(${org}.deleted_at is not null, false) as deleted, $${params.length}::text as "table" ` +
          `from public.${q(table)} t join public.${q(fk.refTable)} r0 on r0.${q(fk.refColumn)} = t.${q(fk.column)} ${chain.join(" ")} where ${where}`,
      );
    }
  }
  return parts.length ? { text: `${parts.join(" union ")} order by 2, 1, 4`, params } : null;
}

/**
 * The refusal: one issue per declared user and undeclared organisation, at the user's declaration
 * when known. `emails`: user key → email as stored; `sources`: lowercased email → position.
 */
export function refuseUndeclaredRows(
  rows: UndeclaredRow[],
  emails: ReadonlyMap<string, string>,
  sources: ReadonlyMap<string, Position>,
): never {
  const groups = new Map<string, { email: string | null; row: UndeclaredRow; tables: string[] }>();
  for (const row of rows) {
    const email = row.user === null ? null : (emails.get(row.user) ?? null);
    const key = JSON.stringify([email, row.organisation, row.deleted]);
    const group = groups.get(key) ?? { email, row, tables: [] };
    if (!group.tables.includes(row.table)) group.tables.push(row.table);
    groups.set(key, group);
  }
  const issues = [...groups.values()].map(({ email, row, tables }): Issue => {
    const position = email === null ? undefined : sources.get(email.toLowerCase());
    return { rule: "reset-undeclared-organisation", ...describe(email, row, tables), ...(position && { position }) };
  });
  throw new UserError(issues);
}

function describe(email: string | null, row: UndeclaredRow, tables: string[]): { message: string; hint: string } {
  const who = email === null ? "a declared user" : `user "${email}"`;
  const listed = tables.join(", ");
  if (row.organisation === null) {
    return {
      message: `${who} has rows in ${listed} that reference data outside the declared organisations; reset would delete them`,
      hint: "remove the user from the sources, or delete those rows in Flagsmith first; nothing was changed",
    };
  }
  const organisation = `organisation "${row.organisation}"${row.deleted ? " (deleted in Flagsmith, but still in the database)" : ""}`;
  const what = tables.includes(MEMBERSHIPS)
    ? `${who} is also a member of ${organisation}, which the sources do not declare; reset would delete their membership and data there (${listed})`
    : `${who} has data in ${organisation}, which the sources do not declare; reset would delete it (${listed})`;
  return {
    message: what,
    hint: `declare organisation "${row.organisation}" in the sources too (reset then deletes and re-creates it), remove the user from the sources, or remove them from that organisation in Flagsmith; nothing was changed`,
  };
}
