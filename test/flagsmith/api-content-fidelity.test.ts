import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyCommand } from "../../src/commands/apply.ts";
import type { Io } from "../../src/io.ts";
import { createTestDatabase, schemaFile, type TestDatabase } from "../helpers/database.ts";
import { diffAgainstReference, fidelityAvailable, REFERENCE_DIR } from "../helpers/fidelity.ts";

/**
 * Issue 10's fidelity acceptance: api-content.yaml (flag content, contract §5) provisioned into an empty v2.265.0
 * database gives the rows Flagsmith's REST API wrote for it (reference/api-content.json), except the API-only
 * extras reference/README.md lists for api-content: audit log rows, the creator's project and environment
 * permissions, the creator as owner of every feature, the signup's last_login, and, because the API acted as a
 * logged-in user, that user as created_by/published_by of the v2 version the Canary override was published in.
 */
const available = fidelityAvailable("api-content.json", "api-content.yaml") && schemaFile("v2.265.0") !== null;
if (!available)
  console.warn(
    "NOTICE: api-content-fidelity: ../shared (api-content reference, fidelity.py, v2.265.0 dump) not found; comparison skipped.",
  );

const API_ONLY_TABLES = ["audit_auditlog", "environments_userenvironmentpermission", "projects_userprojectpermission"];

/** The version's acting user names the version in every path that mentions it: take it out of the reference. */
const withoutVersionAuthor = (text: string) =>
  text.replaceAll("created_by=admin@northwind.example, ", "").replaceAll(", published_by=admin@northwind.example", "");

describe.skipIf(!available)("api-content.yaml against what Flagsmith's REST API writes (v2.265.0)", () => {
  const scratch = mkdtempSync(join(tmpdir(), "fsp-api-content-"));
  let db: TestDatabase | undefined;
  afterAll(async () => {
    await db?.drop();
    rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  test("no difference except the API-only extras", async () => {
    db = await createTestDatabase("v2.265.0");
    const lines: string[] = [];
    const io: Io = { env: {}, cwd: scratch, out: (l) => lines.push(l), err: () => {}, color: false };
    const options = {
      files: [join(REFERENCE_DIR, "api-content.yaml")],
      dryRun: false,
      output: "text" as const,
      databaseUrl: db.url,
      showEnvironmentKeys: false,
    };
    await applyCommand(options, io);
    expect(lines.at(-1)).toBe("Provisioning complete: 11 created, 0 skipped.");

    const { out, tables } = diffAgainstReference(db.url, "api-content.json", scratch, withoutVersionAuthor);
    expect([...tables.keys()].sort()).toEqual(
      [
        ...API_ONLY_TABLES,
        "feature_versioning_environmentfeatureversion",
        "features_feature_owners",
        "users_ffadminuser",
      ].sort(),
    );
    for (const table of API_ONLY_TABLES) {
      const t = tables.get(table)!;
      expect({ table, actual: t.actual, summary: t.summary }).toEqual({
        table,
        actual: 0,
        summary: `${t.reference} missing`,
      });
    }
    // The API makes its user an owner of every feature it creates; only fast_checkout's owner is declared.
    expect(tables.get("features_feature_owners")!.summary).toBe("2 missing");
    expect(out).toContain('feature_id: "Northwind / Orders / max_items", ffadminuser_id: "admin@northwind.example"');
    expect(out).toContain('feature_id: "Northwind / Orders / theme", ffadminuser_id: "admin@northwind.example"');
    // The signup logged the user in.
    expect(tables.get("users_ffadminuser")!.changedColumns).toEqual(["last_login"]);
    // The published version: its author and publisher are the API's user, NULL from a provisioner.
    const version = tables.get("feature_versioning_environmentfeatureversion")!;
    expect(version.summary).toBe("1 missing, 1 extra");
    expect(out).toContain('created_by_id: "admin@northwind.example"');
    expect(out).toContain('published_by_id: "admin@northwind.example"');

    // A second run creates nothing and changes no row.
    lines.length = 0;
    await applyCommand(options, io);
    expect(lines.at(-1)).toBe("Provisioning complete: 0 created, 11 skipped.");
    const again = diffAgainstReference(db.url, "api-content.json", scratch, withoutVersionAuthor);
    expect(again.out).toBe(out);
  }, 60_000);
});
