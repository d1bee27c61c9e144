import { ExitCode, UserError, type Issue } from "../errors.ts";
import type { Desired } from "../kinds/index.ts";
import { checkValueLengths } from "../kinds/limits.ts";
import { checkPermissionKeys } from "../kinds/permission-keys.ts";
import type { Sql } from "./context.ts";
import { READ_COLUMNS, WRITTEN_COLUMNS, optionalColumns } from "./sql/columns.ts";

/** What we learnt about the target database: limits and permission keys to validate against. */
export interface Compatibility {
  /** varchar lengths read from the database: "table.column" → max length. */
  limits: Map<string, number>;
  /**
   * Valid permission keys by level, read from permissions_permissionmodel (type ORGANISATION / PROJECT / ENVIRONMENT).
   */
  permissionKeys: { organisation: string[]; project: string[]; environment: string[] };
  /** Flagsmith version hint for messages, e.g. the latest django_migrations of app "features". */
  description: string;
  /** "table.column" of every written column this database has; optional ones (columns.ts) may be absent. */
  present: Set<string>;
}

interface ColumnInfo {
  table: string;
  column: string;
  nullable: boolean;
  hasDefault: boolean;
  maxLength: number | null;
}

const TABLES = [...new Set([...Object.keys(WRITTEN_COLUMNS), ...Object.keys(READ_COLUMNS)])];

/** Problems that make the schema unusable for us, as plain sentences (empty when compatible). */
export function findSchemaProblems(columns: ColumnInfo[]): { missing: string[]; unknown: string[] } {
  const byTable = new Map<string, Map<string, ColumnInfo>>();
  for (const c of columns) {
    if (!byTable.has(c.table)) byTable.set(c.table, new Map());
    byTable.get(c.table)!.set(c.column, c);
  }
  const missing: string[] = [];
  const unknown: string[] = [];
  for (const table of TABLES) {
    const found = byTable.get(table);
    if (!found) {
      missing.push(`table ${table} is missing`);
      continue;
    }
    const needed = [...(WRITTEN_COLUMNS[table] ?? []), ...(READ_COLUMNS[table] ?? [])];
    for (const column of new Set(needed)) {
      if (!found.has(column) && !optionalColumns.has(`${table}.${column}`))
        missing.push(`column ${table}.${column} is missing`);
    }
    const written = new Set(WRITTEN_COLUMNS[table] ?? []);
    if (!WRITTEN_COLUMNS[table]) continue;
    for (const c of found.values()) {
      // A newer Flagsmith that added a mandatory column: an INSERT without it would fail (or, worse,
      // a value Flagsmith needs would be missing), so refuse before writing anything.
      if (!c.nullable && !c.hasDefault && !written.has(c.column)) {
        unknown.push(
          `column ${table}.${c.column} is NOT NULL without a default, and this version of flagsmith-provision does not know what to write into it`,
        );
      }
    }
  }
  return { missing, unknown };
}

/**
 * Reads the columns of every table we use in schema public, where Flagsmith's migrations put them and our writers write
 * (one query; pg_catalog, so privileges do not hide tables).
 */
export async function readColumns(sql: Sql): Promise<ColumnInfo[]> {
  return sql<ColumnInfo[]>`
    select c.relname as table, a.attname as column, not a.attnotnull as nullable,
           (a.atthasdef or a.attidentity <> '' or a.attgenerated <> '') as "hasDefault",
           case when a.atttypid in ('varchar'::regtype, 'bpchar'::regtype) and a.atttypmod >= 4
                then a.atttypmod - 4 end as "maxLength"
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      and c.relname = any(${TABLES}) and a.attnum > 0 and not a.attisdropped`;
}

/** Throws the exit-3 UserError naming every problem of an unsupported schema. */
async function refuseSchema(sql: Sql, columns: ColumnInfo[], missing: string[], unknown: string[]): Promise<never> {
  const canDescribe = ["django_migrations", "permissions_permissionmodel"].every((t) =>
    columns.some((c) => c.table === t),
  );
  const found = canDescribe ? ` (this database: ${(await describeSchema(sql)).description})` : "";
  const issue = (problem: string, hint: string): Issue => ({
    rule: "unsupported-database",
    message: `unsupported Flagsmith database: ${problem}`,
    hint: hint + found,
  });
  throw new UserError(
    [
      ...missing.map((m) =>
        issue(
          m,
          "point --database-url at Flagsmith's database and run its migrations first, or use --wait SECONDS while they run",
        ),
      ),
      ...unknown.map((m) =>
        issue(m, "this Flagsmith is newer than this flagsmith-provision; upgrade flagsmith-provision"),
      ),
    ],
    ExitCode.unsupportedDatabase,
  );
}

/**
 * For --wait: why the database is not ready yet (null when it is). Ready means Flagsmith's migrations are
 * done for everything we touch: the tables and columns, their primary keys and unique constraints (which a
 * migration in progress, or a dump being loaded, adds after the tables; an upsert before them fails with
 * 42P10), and the permission rows a data migration inserts. A schema no migration can fix, a newer
 * Flagsmith with a mandatory column we do not know, is refused at once (exit 3) instead of waited for.
 */
export async function checkReadiness(sql: Sql): Promise<string | null> {
  const columns = await readColumns(sql);
  const { missing, unknown } = findSchemaProblems(columns);
  if (unknown.length > 0) await refuseSchema(sql, columns, [], unknown);
  if (missing.length > 0) return `Flagsmith's migrations are not applied yet: ${missing[0]}${more(missing)}`;
  const [row] = await sql<{ unkeyed: string[]; permissions: number }[]>`
    select array(select t from unnest(${TABLES}::text[]) t
                 where not exists (select from pg_catalog.pg_index i
                                   where i.indrelid = ('public.' || quote_ident(t))::regclass and i.indisprimary)
                    or (t = 'users_userpermissiongroup_users' and not exists (
                          select from pg_catalog.pg_index i
                          where i.indrelid = 'public.users_userpermissiongroup_users'::regclass and i.indisunique
                            and not i.indisprimary))
                 order by t) as unkeyed,
           (select count(*)::int from public.permissions_permissionmodel) as permissions`;
  if (row!.unkeyed.length > 0) {
    return `Flagsmith's migrations are still running: table ${row!.unkeyed[0]} has no primary key or unique constraint yet${more(row!.unkeyed)}`;
  }
  if (row!.permissions === 0)
    return "Flagsmith's migrations are still running: permissions_permissionmodel is still empty";
  return null;
}

function more(problems: string[]): string {
  return problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
}

/** A one-line version hint from django_migrations (empty when the table cannot be read). */
async function describeSchema(
  sql: Sql,
): Promise<{ description: string; permissions: { key: string; type: string | null }[] }> {
  const [row] = await sql<
    { latest: string | null; count: number; permissions: { key: string; type: string | null }[] }[]
  >`
    select (select max(name) from public.django_migrations where app = 'features') as latest,
           (select count(*)::int from public.django_migrations) as count,
           (select coalesce(json_agg(json_build_object('key', key, 'type', type) order by key), '[]'::json)
              from public.permissions_permissionmodel) as permissions`;
  const description = row?.latest
    ? `Flagsmith schema at features migration ${row.latest} (${row.count} migrations applied)`
    : `Flagsmith schema without features migrations (${row?.count ?? 0} migrations applied)`;
  return { description, permissions: row?.permissions ?? [] };
}

/**
 * Before any write: every table and column we write exists; every NOT NULL column without a default in
 * a table we insert into is one we know how to fill. Throws UserError (exit 3) naming each problem.
 */
export async function checkCompatibility(sql: Sql): Promise<Compatibility> {
  const columns = await readColumns(sql);
  const { missing, unknown } = findSchemaProblems(columns);
  if (missing.length > 0 || unknown.length > 0) await refuseSchema(sql, columns, missing, unknown);
  const { description, permissions } = await describeSchema(sql);
  const limits = new Map<string, number>();
  const present = new Set<string>();
  for (const c of columns) {
    if (c.maxLength !== null) limits.set(`${c.table}.${c.column}`, c.maxLength);
    if (WRITTEN_COLUMNS[c.table]?.includes(c.column)) present.add(`${c.table}.${c.column}`);
  }
  const keysOf = (type: string) => permissions.filter((p) => p.type === type).map((p) => p.key);
  return {
    limits,
    permissionKeys: {
      organisation: keysOf("ORGANISATION"),
      project: keysOf("PROJECT"),
      environment: keysOf("ENVIRONMENT"),
    },
    description,
    present,
  };
}

/**
 * Input this database cannot take, found before any write: values too long for their columns and permission
 * keys it does not know, each at its entity's file position. Throws one UserError (exit 2) naming them all.
 */
export function refuseUnfitInput(desired: Desired, compat: Compatibility): void {
  const issues = [...checkLengths(desired, compat), ...checkPermissionKeys(desired, compat.permissionKeys)];
  if (issues.length) throw new UserError(issues);
}

/**
 * Values too long for this database's columns, as input errors with the entity's file position (rule "value-too-long").
 */
export function checkLengths(desired: Desired, compat: Compatibility): Issue[] {
  return checkValueLengths(desired, compat.limits);
}
