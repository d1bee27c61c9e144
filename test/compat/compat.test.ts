import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { withDatabase } from "../../src/db/connect.ts";
import { ExitCode, UserError } from "../../src/errors.ts";
import { WRITTEN_COLUMNS, columnsFor, optionalColumns } from "../../src/flagsmith/sql/columns.ts";
import { checkCompatibility } from "../../src/flagsmith/compat.ts";
import { availableSchemas, createTestDatabase, noticeMissingDumps, type TestDatabase } from "../helpers/database.ts";

// Creating databases from templates can take seconds while other suites hammer the server.
setDefaultTimeout(30_000);

noticeMissingDumps("test/compat/compat.test.ts");

describe.each(availableSchemas())("checkCompatibility on %s", (schema) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(schema);
  });
  afterAll(() => db.drop());

  test("passes, in two statements, and reports limits, permission keys and a version hint", async () => {
    const queries: string[] = [];
    const compat = await withDatabase(db.url, (sql) => checkCompatibility(sql), { onQuery: (q) => queries.push(q) });
    // postgres.js may fetch array types once per connection; everything else is ours.
    expect(queries.filter((q) => !q.includes("pg_catalog.pg_type")).length).toBe(2);
    expect(compat.limits.get("api_keys_masterapikey.name")).toBe(50);
    expect(compat.limits.get("users_ffadminuser.email")).toBe(254);
    expect(compat.limits.get("segments_condition.value")).toBe(1000);
    expect(compat.permissionKeys.organisation.sort()).toEqual(["CREATE_PROJECT", "MANAGE_USER_GROUPS"]);
    expect(compat.permissionKeys.project).toContain("VIEW_AUDIT_LOG");
    expect(compat.permissionKeys.project).toContain("CREATE_FEATURE");
    expect(compat.permissionKeys.environment).toContain("VIEW_IDENTITIES");
    expect(compat.permissionKeys.environment).not.toContain("VIEW_PROJECT");
    expect(compat.description).toMatch(
      /^Flagsmith schema at features migration 00\d\d_\w+ \(\d+ migrations applied\)$/,
    );
    // Every required written column is present; only optional ones may be missing.
    for (const [table, columns] of Object.entries(WRITTEN_COLUMNS)) {
      for (const c of columns) {
        if (!optionalColumns.has(`${table}.${c}`)) expect(compat.present.has(`${table}.${c}`)).toBe(true);
      }
    }
  });

  test("optional columns are present exactly where the schema has them", async () => {
    const compat = await checkCompatibility(db.sql);
    const newer = schema !== "v2.203.0";
    for (const column of optionalColumns) expect(compat.present.has(column)).toBe(newer);
    expect(columnsFor("segments_segment", compat.present).includes("managed_by")).toBe(newer);
    expect(columnsFor("segments_segment", compat.present)).toContain("version_of_id");
  });
});

/** Runs checkCompatibility on a fresh fixture database altered by `ddl`; returns the error (or null). */
async function compatAfter(ddl: string): Promise<UserError | null> {
  const db = await createTestDatabase("fixture");
  try {
    await db.sql.unsafe(ddl);
    await checkCompatibility(db.sql);
    return null;
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  } finally {
    await db.drop();
  }
}

describe("checkCompatibility refuses what it cannot write (exit 3, naming it)", () => {
  test("a missing table", async () => {
    const error = await compatAfter("drop table segments_condition, segments_historicalcondition");
    expect(error?.exitCode).toBe(ExitCode.unsupportedDatabase);
    expect(error?.issues.map((i) => i.message)).toEqual([
      expect.stringContaining("table segments_condition is missing"),
      expect.stringContaining("table segments_historicalcondition is missing"),
    ]);
    expect(error?.issues[0]?.rule).toBe("unsupported-database");
    expect(error?.message).toContain("features migration 0067_add_feature_state_mv_hashing_salt");
  });

  test("a missing written column", async () => {
    const error = await compatAfter("alter table features_feature drop column is_server_key_only");
    expect(error?.exitCode).toBe(3);
    expect(error?.issues).toHaveLength(1);
    expect(error?.issues[0]?.message).toContain("column features_feature.is_server_key_only is missing");
  });

  test("a missing column we only read", async () => {
    const error = await compatAfter("alter table projects_project drop column deleted_at");
    expect(error?.issues[0]?.message).toContain("column projects_project.deleted_at is missing");
  });

  test("a NOT NULL column without a default that we do not know (a newer Flagsmith)", async () => {
    const error = await compatAfter(
      "alter table projects_project add column approval_policy varchar(10) not null default 'x'; alter table projects_project alter column approval_policy drop default",
    );
    expect(error?.exitCode).toBe(3);
    expect(error?.issues).toHaveLength(1);
    expect(error?.issues[0]?.message).toContain(
      "column projects_project.approval_policy is NOT NULL without a default",
    );
    expect(error?.issues[0]?.hint).toContain("upgrade flagsmith-provision");
  });

  test("without django_migrations it still names the problem", async () => {
    const error = await compatAfter("drop table django_migrations");
    expect(error?.issues.map((i) => i.message)).toEqual([
      expect.stringContaining("table django_migrations is missing"),
    ]);
  });
});

describe("checkCompatibility accepts harmless differences", () => {
  test("an extra nullable column, an extra NOT NULL column with a default, an extra table", async () => {
    expect(
      await compatAfter(
        "alter table projects_project add column note text; alter table features_feature add column weight int not null default 1; create table something_new (id int not null)",
      ),
    ).toBeNull();
  });

  test("an optional column missing (an older Flagsmith)", async () => {
    expect(await compatAfter("alter table segments_segment drop column managed_by")).toBeNull();
  });
});
