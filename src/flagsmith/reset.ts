import { quoteIdent as q, readCatalog, type Catalog, type ForeignKey } from "./sql/catalog.ts";
import { ApplyError, type Position } from "../errors.ts";
import type { Sql } from "./context.ts";
import { deleteStatement, mergeKeys, referencedColumns, selfReferences, unique, type Keys } from "./reset-sql.ts";
import {
  organisationPaths,
  ORGANISATIONS,
  refuseUndeclaredRows,
  undeclaredRowsQuery,
  USERS,
  type Filter,
  type UndeclaredRow,
} from "./reset-guard.ts";

/** The organisations (by exact name) and users (by email, case-insensitively) a reset deletes. */
export interface ResetTargets {
  organisations: string[];
  emails: string[];
  /** Where each user is declared (lowercased email → position), so a refusal points at the declaration. */
  userSources?: ReadonlyMap<string, Position>;
  /**
   * Also delete every organisation a declared user is a member of (`--include-member-organisations`), as
   * Flagsmith's e2e teardown does: its UI tests create and rename organisations the seed does not declare.
   */
  memberOrganisations?: boolean;
}

/** What a reset did: rows deleted per table, references cleared per `table.column`, statements sent. */
export interface ResetResult {
  deleted: Record<string, number>;
  nulled: Record<string, number>;
  statements: number;
}

/**
 * Nullable references to users that Django nevertheless declares `on_delete=CASCADE`, so their rows
 * go with the user (every other nullable user reference is SET_NULL in Flagsmith: audit log author,
 * master key / feature-health / trust-relationship `created_by`, change request `user`/`committed_by`,
 * versioning `created_by`/`published_by`, simple-history `history_user`, simplejwt's outstanding token).
 */
const CASCADING_NULLABLE_USER_REFS = new Set([
  "users_invite.invited_by_id", // Flagsmith organisations/invites/models.py: Invite.invited_by
  "oauth2_provider_application.user_id", // django-oauth-toolkit: Application/AccessToken/IDToken.user
  "oauth2_provider_accesstoken.user_id",
  "oauth2_provider_idtoken.user_id",
  "admin_sso_assignment.user_id", // django-admin-sso: Assignment.user
]);

/**
 * How a reference to a deleted row is resolved.
 * - "nullify": the referencing row survives and the column is set to NULL. For nullable references
 *   to users (users are shared across organisations: another organisation's audit log keeps its entry,
 *   without an author) and for every reference from a history table: simple-history rows have no FK on
 *   the object ids they copy (WRITES.md §0.2), Django never deletes them, and they are cosmetic, so
 *   they are kept and only their live FKs (`history_user_id`, `master_api_key_id`) are cleared.
 * - "cascade": the referencing row belongs to the deleted data and is deleted too. Everything that
 *   references an organisation's rows (through NOT NULL or nullable FKs alike) is that organisation's.
 */
export function edgeRule(fk: ForeignKey, catalog: Catalog): "cascade" | "nullify" {
  if (!fk.nullable) return "cascade";
  if (catalog.historyTables.has(fk.table)) return "nullify";
  if (fk.refTable === USERS && !CASCADING_NULLABLE_USER_REFS.has(`${fk.table}.${fk.column}`)) return "nullify";
  return "cascade";
}

/**
 * Deletes every declared organisation (all rows of that name, soft-deleted ones included) and every
 * declared user, with every row that references them transitively, following the catalog's foreign
 * keys generically, and clears nullable user references from rows that survive. Runs inside the
 * caller's transaction (the FKs are DEFERRABLE INITIALLY DEFERRED, so only the state at COMMIT counts).
 *
 * Organisations first, then users: by the time the users' walk runs, whatever one of its rows still
 * references in an organisation belongs to an organisation the sources do not declare (a declared
 * user who is also a member there, has a group, a permission, a feature…). Users are shared between
 * organisations, so reset refuses then (a UserError; the caller's transaction rolls everything back)
 * rather than delete another organisation's data.
 *
 * Set-based: one DELETE per table per wave (a wave follows the FKs one level down; self-references
 * are followed inside the statement with a recursive CTE) and one UPDATE per nullified FK, so the
 * number of statements depends on the schema's depth, not on the number of rows. Ids travel as
 * bound arrays rather than temp tables: nothing outlives the statement, and nothing in it is
 * session-scoped, so it works through PgBouncer transaction pooling.
 */
export async function resetDeclared(sql: Sql, targets: ResetTargets): Promise<ResetResult> {
  const result: ResetResult = { deleted: {}, nulled: {}, statements: 0 };
  if (targets.organisations.length === 0 && targets.emails.length === 0) return result;
  const catalog = await readCatalog(sql);
  // Edges from empty tables can neither delete nor clear anything: skip them (most of a real schema).
  const edges = catalog.foreignKeys.filter((fk) => catalog.filledTables.has(fk.table));
  const cascade = edges.filter((fk) => edgeRule(fk, catalog) === "cascade");
  const nullify = edges.filter((fk) => edgeRule(fk, catalog) === "nullify");
  const referenced = referencedColumns(edges);
  const recursive = selfReferences(cascade);
  const paths = organisationPaths(catalog.foreignKeys);

  const run = async (table: string, filters: Filter[]): Promise<Keys> => {
    const { text, params, keyColumns } = deleteStatement(
      table,
      filters,
      recursive.get(table) ?? null,
      referenced.get(table) ?? [],
    );
    result.statements++;
    const [row] = await sql.unsafe(text, params as never[]);
    const n = Number(row?.n ?? 0);
    if (n > 0) result.deleted[table] = (result.deleted[table] ?? 0) + n;
    const keys = new Map(keyColumns.map((column, i) => [column, (row?.[`k${i}`] ?? []) as string[]]));
    return new Map([[table, keys]]);
  };

  const all: Keys = new Map();
  /** Deletes `start` and, wave by wave, everything that references it; `guard` sees each wave first. */
  const walk = async (start: Map<string, Filter[]>, guard?: (wave: Map<string, Filter[]>) => Promise<void>) => {
    let wave = start;
    while (wave.size > 0) {
      await guard?.(wave);
      // Statements of one wave touch different tables: send them together (pipelined on the transaction's connection).
      const fresh = mergeKeys(all, await Promise.all([...wave].map(([table, filters]) => run(table, filters))));
      wave = new Map();
      for (const fk of cascade) {
        if (fk.table === fk.refTable && recursive.has(fk.table)) continue; // followed inside the statement
        const values = fresh.get(fk.refTable)?.get(fk.refColumn);
        if (!values?.length) continue;
        wave.set(fk.table, [...(wave.get(fk.table) ?? []), { column: fk.column, type: fk.refType, values, fk }]);
      }
    }
  };
  const organisations: Filter[] = targets.organisations.length
    ? [{ column: "name", type: "text", values: unique(targets.organisations) }]
    : [];
  if (targets.memberOrganisations && targets.emails.length) {
    const emails = unique(targets.emails.map((e) => e.toLowerCase()));
    const ids = await sql<{ id: string }[]>`
      select distinct m.organisation_id::text as id from public.organisations_userorganisation m
      join public.users_ffadminuser u on u.id = m.user_id where lower(u.email) = any(${emails})`;
    result.statements++;
    if (ids.length) organisations.push({ column: "id", type: "int", values: ids.map((r) => r.id) });
  }
  if (organisations.length) await walk(new Map([[ORGANISATIONS, organisations]]));
  if (targets.emails.length) {
    const emails = unique(targets.emails.map((e) => e.toLowerCase()));
    // Read before they are deleted: a refusal names the users as stored.
    const users = await sql<
      { id: string; email: string }[]
    >`select id::text as id, email from public.users_ffadminuser where lower(email) = any(${emails})`;
    result.statements++;
    const stored = new Map(users.map((u) => [u.id, u.email]));
    await walk(new Map([[USERS, [{ column: "email", lower: true, type: "text", values: emails }]]]), async (wave) => {
      const query = undeclaredRowsQuery(catalog.foreignKeys, paths, wave);
      if (!query) return;
      result.statements++;
      const rows = (await sql.unsafe(query.text, query.params as never[])) as unknown as UndeclaredRow[];
      if (rows.length) refuseUndeclaredRows(rows, stored, targets.userSources ?? new Map());
    });
  }

  const updates = nullify.flatMap((fk) => {
    const values = all.get(fk.refTable)?.get(fk.refColumn);
    if (!values?.length) return [];
    result.statements++;
    const text = `update public.${q(fk.table)} set ${q(fk.column)} = null where ${q(fk.column)} = any($1::text[]::${fk.refType}[])`;
    return [sql.unsafe(text, [values] as never[]).then((r) => ({ fk, count: r.count }))];
  });
  for (const { fk, count } of await Promise.all(updates)) {
    if (count > 0) result.nulled[`${fk.table}.${fk.column}`] = count;
  }
  await checkReferences(sql, targets);
  result.statements += 2;
  return result;
}

/**
 * Checks the deferred foreign keys now rather than at COMMIT, so a reference the engine could not
 * resolve (a schema it does not know, e.g. a composite key) is reported as a failed reset instead
 * of surfacing as a failure of the provisioning that follows. Then defers them again: every
 * Flagsmith FK is INITIALLY DEFERRED, and the writers rely on that.
 */
async function checkReferences(sql: Sql, targets: ResetTargets): Promise<void> {
  try {
    await sql`set constraints all immediate`;
  } catch (error) {
    const e = error as Error & { code?: string; detail?: string; constraint_name?: string };
    const declared = [
      ...targets.organisations.map((o) => `organisation "${o}"`),
      ...targets.emails.map((u) => `user "${u}"`),
    ].join(", ");
    throw new ApplyError(`reset could not remove every reference to ${declared}: ${e.message}`, {
      code: e.code,
      detail: e.detail,
      constraint: e.constraint_name,
      hint: "nothing was changed (the transaction was rolled back); please report this with the Flagsmith version",
    });
  }
  await sql`set constraints all deferred`;
}
