/**
 * Round trips do not grow with the number of entities, for flag content too (PROVISIONING.md §5): through the real
 * binary, 10 features and 100 features, each with tags, owners, options, per-environment states with allocations,
 * segment and identity overrides in a v1 environment and in one on feature versioning v2, send the same number of
 * statements (the JSON report's stats.statements): applied to an empty database, re-run as a no-op, and when a later
 * edit adds an option, a tag, segment overrides (a new v2 version per feature) and an identity override to every
 * one of the existing features.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Measured } from "../../scripts/bench/run-binary.ts";
import { ensureBinary } from "../helpers/binary.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { applyJson, SCHEMA } from "../helpers/run.ts";

setDefaultTimeout(120_000);

const IDENTITIES = 5;

/** The project and its features, every feature with content in both environments. */
function contentFile(features: number): string {
  const lines = [
    'version: "1.0"',
    "users:",
    "  - email: owner@content.example",
    "organisations:",
    "  - name: Content Org",
    "    groups:",
    "      - name: Team",
    "projects:",
    "  - name: Content",
    "    organisation: Content Org",
    "    tags: [{ label: t0 }, { label: t1, color: '#ffffff' }, { label: t2 }]",
    "    environments:",
  ];
  for (const [name, v2] of [
    ["Dev", false],
    ["Canary", true],
  ] as const) {
    lines.push(`      - name: ${name}`, `        use_v2_feature_versioning: ${v2}`, "        identities:");
    for (let i = 0; i < IDENTITIES + 1; i++) lines.push(`          - identifier: user-${i}`);
  }
  lines.push("    segments:");
  for (let s = 0; s < 3; s++)
    lines.push(
      `      - { name: s${s}, rules: [{ type: ALL, conditions: [{ property: p${s}, operator: EQUAL, value: x }] }] }`,
    );
  lines.push("    features:");
  for (let f = 0; f < features; f++) {
    const who = `user-${f % IDENTITIES}`;
    lines.push(
      `      - name: feature_${f}`,
      `        initial_value: ${f % 3 === 0 ? f : `v${f}`}`,
      "        tags: [t0, t1]",
      "        owners: [owner@content.example]",
      "        group_owners: [Team]",
      "        multivariate_options:",
      "          - { value: a, default_percentage_allocation: 20 }",
      "          - { value: 7, default_percentage_allocation: 10 }",
      "        environments:",
      "          Dev:",
      "            enabled: true",
      `            value: dev-${f}`,
      "            multivariate: { a: 30 }",
      "            segment_overrides:",
      `              - { segment: s0, enabled: true, value: seg-${f} }`,
      "              - { segment: s1, multivariate: { 7: 50 } }",
      "            identity_overrides:",
      `              - { identifier: ${who}, enabled: true, value: ${f} }`,
      "          Canary:",
      "            segment_overrides:",
      "              - { segment: s0, enabled: true }",
      "            identity_overrides:",
      `              - { identifier: ${who}, enabled: false }`,
    );
  }
  return lines.join("\n") + "\n";
}

/** A later edit: for every existing feature an option, a tag, an override in each environment, an identity override. */
function additionsFile(features: number): string {
  const lines = ['version: "1.0"', "features:"];
  for (let f = 0; f < features; f++)
    lines.push(
      `  - name: feature_${f}`,
      "    project: Content",
      "    tags: [t2]",
      "    multivariate_options: [{ value: c, default_percentage_allocation: 5 }]",
      "    environments:",
      "      Dev:",
      "        segment_overrides: [{ segment: s2, enabled: true, multivariate: { c: 100 } }]",
      `        identity_overrides: [{ identifier: user-${IDENTITIES}, enabled: true }]`,
      "      Canary:",
      "        segment_overrides: [{ segment: s2, enabled: true, value: canary }]",
    );
  return lines.join("\n") + "\n";
}

let work = "";
const dbs: TestDatabase[] = [];
beforeAll(() => {
  ensureBinary();
  work = mkdtempSync(join(tmpdir(), "fsp-run-statements-content-"));
});
afterAll(async () => {
  for (const db of dbs) await db.drop();
  rmSync(work, { recursive: true, force: true });
});

/** Applies the content, re-runs it, then applies the additions, on a fresh database; returns the three runs. */
async function runAll(features: number): Promise<{ runs: Measured[]; db: TestDatabase }> {
  const db = await createTestDatabase(SCHEMA);
  dbs.push(db);
  const dir = join(work, String(features));
  mkdirSync(dir);
  writeFileSync(join(dir, "10-content.yaml"), contentFile(features));
  const runs: Measured[] = [];
  const apply = async (created: number) => {
    const run = await applyJson(db.url, ["--directory", dir], work);
    expect(run.exitCode).toBe(0);
    expect(run.report!.summary.created).toBe(created);
    runs.push(run);
  };
  // user, organisation, project, 2 environments, 3 segments and the features (their content is nested in them).
  await apply(8 + features);
  await apply(0);
  writeFileSync(join(dir, "20-additions.yaml"), additionsFile(features));
  // Per feature: a tag, an option, two segment overrides and an identity override.
  await apply(5 * features);
  return { runs, db };
}

describe(`statements sent for flag content (${SCHEMA})`, () => {
  test("are the same for 10 features as for 100, applied, re-run and added to", async () => {
    const small = await runAll(10);
    const large = await runAll(100);
    const statements = (r: { runs: Measured[] }) => r.runs.map((run) => run.report!.stats!.statements);
    expect(statements(small)[0]).toBeGreaterThan(20);
    expect(statements(large)).toEqual(statements(small));

    // The content really is there, in proportion.
    const [counts] = await large.db.sql<{ overrides: number; identity: number; versions: number; mv: number }[]>`
      select (select count(*)::int from features_featuresegment) as overrides,
             (select count(*)::int from features_featurestate where identity_id is not null) as identity,
             (select count(*)::int from feature_versioning_environmentfeatureversion) as versions,
             (select count(*)::int from multivariate_multivariatefeaturestatevalue) as mv`;
    // Overrides: Dev 2 + 1 added; Canary 1 in its second version, then 1 cloned + 1 added in the third. Allocations:
    // options a and 7 on Dev's state and Canary's first (4), the s1 override's (1), Canary's clone (2); then option
    // c on the three environment states (3), the s2 override's (1), and Canary's third version's clone (3).
    expect(counts).toEqual({ overrides: 100 * 6, identity: 100 * 3, versions: 100 * 3, mv: 100 * 14 });
  });
});
