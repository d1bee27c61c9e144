/**
 * Issue 12's second acceptance: instances that Flagsmith itself populated (../shared/flagsmith/populated: its e2e
 * seed, its local reset seed through the REST API, and content created through the REST API) each export, and the
 * export applied to an empty database gives rows fidelity.py finds equal to the original, except what the format
 * does not carry (README "Export"): the audit log, and the author of a v2 version the API published as a logged-in
 * user (which every row that names that version shows too), and a user's last login.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, createTestDatabaseFromDump, schemaFile } from "../helpers/database.ts";
import { applyTo, diffSnapshots, exportOf, saveExport, snapshot } from "../helpers/export.ts";
import { FIDELITY, SHARED } from "../helpers/fidelity.ts";

const POPULATED = join(SHARED, "flagsmith", "populated");
const available = existsSync(POPULATED) && existsSync(FIDELITY) && schemaFile("v2.265.0") !== null;
if (!available)
  console.warn(
    "NOTICE: export of populated instances: ../shared/flagsmith/populated or fidelity.py not found; skipped.",
  );
const DUMPS = available
  ? readdirSync(POPULATED)
      .filter((f) => f.endsWith(".sql"))
      .sort()
  : [];

/** What each dump's copy differs in, table by table (fidelity.py's summary), and why. */
const EXPECTED: Record<string, Record<string, string>> = {
  "api-content-v2.265.0.sql": {
    // The API's audit log (25 rows) is not part of the format.
    audit_auditlog: "25 missing",
    // Canary's second fast_checkout version was published by the logged-in user; a provisioner has none, so the
    // version and the rows that name it (its override, the state clone and their values) read differently.
    feature_versioning_environmentfeatureversion: "1 missing, 1 extra",
    features_featuresegment: "1 missing, 1 extra",
    features_featurestate: "2 missing, 2 extra",
    features_featurestatevalue: "2 missing, 2 extra",
    // The signup logged the user in.
    users_ffadminuser: "1 changed",
  },
  "dev-seed-v2.265.0.sql": { audit_auditlog: "34 missing" },
  "e2e-seed-v2.265.0.sql": {},
};

/** An export without its comment lines: what two exports of equal databases share when their notes differ. */
const body = (text: string) =>
  text
    .split("\n")
    .filter((l) => !l.startsWith("#"))
    .join("\n");

describe.skipIf(!available)("export of instances Flagsmith populated", () => {
  const scratch = mkdtempSync(join(tmpdir(), "fsp-export-populated-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("every populated dump has its expected differences listed", () => {
    expect(DUMPS).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const dump of DUMPS) {
    test(
      dump,
      async () => {
        const original = await createTestDatabaseFromDump(join(POPULATED, dump));
        const copy = await createTestDatabase("v2.265.0");
        try {
          const exported = await exportOf(original.url);
          const applied = await applyTo(copy.url, { files: [saveExport(scratch, `${dump}.yaml`, exported)] });
          expect(applied.at(-1)).toMatch(/^Provisioning complete: [1-9]\d* created, 0 skipped\.$/);
          const [a, b] = await Promise.all([
            snapshot(original.url, scratch, `${dump}-a`),
            snapshot(copy.url, scratch, `${dump}-b`),
          ]);
          const { out, tables } = diffSnapshots(a, b);
          const found = Object.fromEntries([...tables].map(([table, diff]) => [table, diff.summary]));
          expect({ found, out }).toEqual({ found: EXPECTED[dump]!, out: expect.any(String) as unknown as string });
          if (tables.has("users_ffadminuser"))
            expect(tables.get("users_ffadminuser")!.changedColumns).toEqual(["last_login"]);
          // What the format carried reads back the same: the copy exports the same body (its header has no audit log).
          expect(body(await exportOf(copy.url))).toBe(body(exported));
          if (EXPECTED[dump]!.audit_auditlog)
            expect(exported).toContain(`#   - audit log entries: ${EXPECTED[dump]!.audit_auditlog.split(" ")[0]}`);
        } finally {
          await Promise.all([original.drop(), copy.drop()]);
        }
      },
      60_000,
    );
  }
});
