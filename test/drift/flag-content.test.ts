import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyCommand } from "../../src/commands/apply.ts";
import type { ApplyOptions } from "../../src/commands/options.ts";
import type { Io } from "../../src/io.ts";
import { loadDesired } from "../../src/input/index.ts";
import { ensureBinary, run } from "../helpers/binary.ts";
import { createTestDatabase, schemaFile, type TestDatabase } from "../helpers/database.ts";
import { REFERENCE_DIR } from "../helpers/fidelity.ts";

/**
 * Drift of flag content (issue 11, contract §7): environment states, segment and identity overrides and
 * multivariate options are changed the way the dashboard changes them (the same columns), and a dry run with
 * --detailed-exitcode names each difference, typed, on the skip line and in the JSON, and exits 5; a fresh apply
 * followed by a re-run finds none.
 */
const API_CONTENT = join(REFERENCE_DIR, "api-content.yaml");
const available = existsSync(API_CONTENT) && schemaFile("v2.265.0") !== null;
if (!available)
  console.warn("NOTICE: drift/flag-content: ../shared (api-content.yaml, v2.265.0 dump) not found; skipped.");

const scratch = mkdtempSync(join(tmpdir(), "fsp-drift-content-"));
const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  rmSync(scratch, { recursive: true, force: true });
}, 60_000);

type Source = { files: string[] } | { preset: string };

interface Ran {
  code: number;
  lines: string[];
}

async function apply(db: TestDatabase, source: Source, options: Partial<ApplyOptions> = {}): Promise<Ran> {
  const lines: string[] = [];
  const io: Io = {
    env: { DJANGO_SECRET_KEY: "test-secret" },
    cwd: scratch,
    out: (l) => lines.push(l),
    err: () => {},
    color: false,
  };
  const code = await applyCommand(
    {
      files: "files" in source ? source.files : [],
      ...("preset" in source && { preset: source.preset }),
      dryRun: false,
      output: "text",
      databaseUrl: db.url,
      showEnvironmentKeys: false,
      detailedExitcode: true,
      ...options,
    },
    io,
  );
  return { code, lines };
}

/** A fresh v2.265.0 database with `source` applied. */
async function applied(source: Source): Promise<TestDatabase> {
  const db = await createTestDatabase("v2.265.0");
  databases.push(db);
  expect((await apply(db, source)).code).toBe(4);
  return db;
}

/** The dry run's lines that say something differs. */
async function differing(db: TestDatabase, source: Source): Promise<Ran> {
  const ran = await apply(db, source, { dryRun: true });
  return { code: ran.code, lines: ran.lines.filter((l) => l.includes("differs:")) };
}

type JsonAction = { kind: string; name: string; drift?: Array<{ field: string; database: unknown; files: unknown }> };

/** The JSON report's actions that carry drift: kind, name and the drift entries. */
async function jsonDrift(db: TestDatabase, source: Source) {
  const ran = await apply(db, source, { dryRun: true, output: "json" });
  const report = JSON.parse(ran.lines.join("\n")) as { actions: JsonAction[] };
  return report.actions.filter((a) => a.drift).map(({ kind, name, drift }) => ({ kind, name, drift }));
}

const apiContent: Source = { files: [API_CONTENT] };

/** The environment default of a feature in an environment (v1: its one state). */
const envDefault = (feature: string, environment: string) => `(
  select fs.id from features_featurestate fs
  join features_feature f on f.id = fs.feature_id join environments_environment e on e.id = fs.environment_id
  where f.name = '${feature}' and e.name = '${environment}' and fs.identity_id is null and fs.feature_segment_id is null)`;

const optionId = (feature: string, value: string) => `(
  select o.id from multivariate_multivariatefeatureoption o join features_feature f on f.id = o.feature_id
  where f.name = '${feature}' and o.string_value = '${value}')`;

describe.skipIf(!available)("drift of flag content (api-content.yaml on v2.265.0)", () => {
  test("a re-run right after a fresh apply finds no drift (exit 0)", async () => {
    const db = await applied(apiContent);
    const ran = await apply(db, apiContent, { dryRun: true });
    expect(ran.code).toBe(0);
    expect(ran.lines.filter((l) => l.includes("differs"))).toEqual([]);
    expect(ran.lines.at(-1)).toBe("Dry run complete: 0 would be created, 11 skipped. Nothing was written.");
    expect(await jsonDrift(db, apiContent)).toEqual([]);
  }, 60_000);

  test("a flipped state, an edited value, a changed allocation: one line, typed values, exit 5", async () => {
    const db = await applied(apiContent);
    await db.sql.unsafe(
      `update features_featurestate set enabled = false where id = ${envDefault("fast_checkout", "Live")}`,
    );
    // The dashboard's PUT of a remote-config value: an integer 30 instead of 25.
    await db.sql.unsafe(
      `update features_featurestatevalue set integer_value = 30 where feature_state_id = ${envDefault("max_items", "Live")}`,
    );
    await db.sql.unsafe(`
      update multivariate_multivariatefeaturestatevalue set percentage_allocation = 40
      where feature_state_id = ${envDefault("theme", "Live")} and multivariate_feature_option_id = ${optionId("theme", "dark")}`);
    const ran = await differing(db, apiContent);
    expect(ran.lines).toEqual([
      'Would skip state to feature "fast_checkout" in environment "Live" of project "Orders" (already exists; differs: enabled is false in the database, true in the files).',
      'Would skip state to feature "max_items" in environment "Live" of project "Orders" (already exists; differs: value is 30 in the database, 25 in the files).',
      'Would skip state to feature "theme" in environment "Live" of project "Orders" (already exists; differs: multivariate.dark is 40 in the database, 50 in the files).',
    ]);
    expect(ran.code).toBe(5);
    expect(await jsonDrift(db, apiContent)).toEqual([
      { kind: "featureState", name: "fast_checkout", drift: [{ field: "enabled", database: false, files: true }] },
      { kind: "featureState", name: "max_items", drift: [{ field: "value", database: 30, files: 25 }] },
      { kind: "featureState", name: "theme", drift: [{ field: "multivariate.dark", database: 40, files: 50 }] },
    ]);
  }, 60_000);

  test("values compare typed: the text 25 is not the integer 25", async () => {
    const db = await applied(apiContent);
    await db.sql.unsafe(`
      update features_featurestatevalue set type = 'unicode', integer_value = null, string_value = '25'
      where feature_state_id = ${envDefault("max_items", "Live")}`);
    const ran = await differing(db, apiContent);
    expect(ran.lines).toEqual([
      'Would skip state to feature "max_items" in environment "Live" of project "Orders" (already exists; differs: value is "25" in the database, 25 in the files).',
    ]);
    expect(await jsonDrift(db, apiContent)).toEqual([
      { kind: "featureState", name: "max_items", drift: [{ field: "value", database: "25", files: 25 }] },
    ]);
  }, 60_000);

  test("what the files leave out is not compared: an undeclared environment, an undeclared enabled", async () => {
    const db = await applied(apiContent);
    // Dev declares nothing for theme; Live declares theme's allocations but not its enabled.
    await db.sql.unsafe(
      `update features_featurestate set enabled = false where id in (${envDefault("theme", "Dev")}, ${envDefault("theme", "Live")})`,
    );
    await db.sql.unsafe(`
      update multivariate_multivariatefeaturestatevalue set percentage_allocation = 5
      where feature_state_id = ${envDefault("theme", "Dev")}`);
    expect(await differing(db, apiContent)).toEqual({ code: 0, lines: [] });
  }, 60_000);

  test("a flipped segment override, an identity override's new value, an option's default allocation", async () => {
    const db = await applied(apiContent);
    // Live's fast_checkout/gold_tier override (v1: the environment's own).
    await db.sql.unsafe(`
      update features_featurestate set enabled = false where feature_segment_id = (
        select s.id from features_featuresegment s join segments_segment g on g.id = s.segment_id
        join features_feature f on f.id = s.feature_id join environments_environment e on e.id = s.environment_id
        where g.name = 'gold_tier' and f.name = 'fast_checkout' and e.name = 'Live')`);
    await db.sql.unsafe(`
      update features_featurestatevalue set string_value = 'dark' where feature_state_id = (
        select fs.id from features_featurestate fs join environments_identity i on i.id = fs.identity_id
        where i.identifier = 'cust-1')`);
    await db.sql.unsafe(
      `update multivariate_multivariatefeatureoption set default_percentage_allocation = 30 where id = ${optionId("theme", "dark")}`,
    );
    const ran = await differing(db, apiContent);
    expect(ran.lines).toEqual([
      'Would skip multivariate option "dark" to feature "theme" in project "Orders" (default allocation 30%) (already exists; differs: default_percentage_allocation is 30 in the database, 25 in the files).',
      'Would skip segment override "gold_tier" to feature "fast_checkout" in environment "Live" of project "Orders" (already exists; differs: enabled is false in the database, true in the files).',
      'Would skip identity override "cust-1" to feature "theme" in environment "Live" of project "Orders" (already exists; differs: value is "dark" in the database, "contrast" in the files).',
    ]);
    expect(ran.code).toBe(5);
    expect(await jsonDrift(db, apiContent)).toEqual([
      {
        kind: "multivariateOption",
        name: "dark",
        drift: [{ field: "default_percentage_allocation", database: 30, files: 25 }],
      },
      { kind: "segmentOverride", name: "gold_tier", drift: [{ field: "enabled", database: false, files: true }] },
      { kind: "identityOverride", name: "cust-1", drift: [{ field: "value", database: "dark", files: "contrast" }] },
    ]);
  }, 60_000);

  test("a v1 override's state scheduled for later does not count until it is live", async () => {
    const db = await applied(apiContent);
    const override = `(
      select s.id from features_featuresegment s join segments_segment g on g.id = s.segment_id
      join features_feature f on f.id = s.feature_id join environments_environment e on e.id = s.environment_id
      where g.name = 'gold_tier' and f.name = 'fast_checkout' and e.name = 'Live')`;
    // A later version of the override's state, disabled, live from tomorrow (a scheduled change).
    const [scheduled] = await db.sql.unsafe(`
      insert into features_featurestate (enabled, environment_id, feature_id, identity_id, feature_segment_id, created_at,
        live_from, updated_at, version, uuid)
      select false, environment_id, feature_id, identity_id, feature_segment_id, now(), now() + interval '1 day', now(),
        version + 1, gen_random_uuid()
      from features_featurestate where feature_segment_id = ${override}
      returning id`);
    await db.sql.unsafe(`
      insert into features_featurestatevalue (type, boolean_value, integer_value, string_value, feature_state_id, uuid)
      select type, boolean_value, integer_value, string_value, ${scheduled!.id}, gen_random_uuid()
      from features_featurestatevalue where feature_state_id = (
        select min(id) from features_featurestate where feature_segment_id = ${override})`);
    expect(await differing(db, apiContent)).toEqual({ code: 0, lines: [] });
    // Once it is live, it is the one served and compared.
    await db.sql.unsafe(`update features_featurestate set live_from = clock_timestamp() where id = ${scheduled!.id}`);
    expect((await differing(db, apiContent)).lines).toEqual([
      'Would skip segment override "gold_tier" to feature "fast_checkout" in environment "Live" of project "Orders" (already exists; differs: enabled is false in the database, true in the files).',
    ]);
  }, 60_000);

  test("through the binary: the line on stdout and exit code 5", async () => {
    const db = await applied(apiContent);
    await db.sql.unsafe(
      `update features_featurestate set enabled = false where id = ${envDefault("max_items", "Live")}`,
    );
    const ran = run([ensureBinary(), "--file", API_CONTENT, "--dry-run", "--detailed-exitcode"], {
      cwd: scratch,
      env: { DATABASE_URL: db.url },
    });
    expect(ran.stdout).toContain(
      'Would skip state to feature "max_items" in environment "Live" of project "Orders" (already exists; differs: enabled is false in the database, true in the files).\n',
    );
    expect(ran.stdout).toContain("Dry run complete: 0 would be created, 12 skipped, 1 differ. Nothing was written.");
    expect(ran.exitCode).toBe(5);
  }, 120_000);
});

/**
 * A v2 environment: the state and the override that count are the live version's (the override was added in a
 * version 2 holding a copy of the environment default); an identity override without `enabled`; a state naming one
 * of two options.
 */
const V2_FILE = `version: "1.0"
organisations:
  - name: Drift Co
projects:
  - name: Shop
    organisation: Drift Co
    environments:
      - name: Prod
        use_v2_feature_versioning: true
        identities:
          - identifier: u-1
    segments:
      - name: staff
        rules:
          - type: ALL
            rules:
              - type: ANY
                conditions:
                  - { property: staff, operator: EQUAL, value: "true" }
    features:
      - name: layout
        default_enabled: false
        initial_value: classic
        multivariate_options:
          - { value: grid, default_percentage_allocation: 10 }
          - { value: list, default_percentage_allocation: 10 }
        environments:
          Prod:
            enabled: true
            value: modern
            multivariate: { grid: 30 }
            segment_overrides:
              - { segment: staff, enabled: true, value: 7, multivariate: { grid: 60, list: 20 } }
            identity_overrides:
              - { identifier: u-1, value: mine }
`;

/** The layout feature's env-default state in Prod in the live version (`live`) or in the first one. */
const v2Default = (live: boolean) => `(
  select fs.id from features_featurestate fs
  join feature_versioning_environmentfeatureversion v on v.uuid = fs.environment_feature_version_id
  where fs.identity_id is null and fs.feature_segment_id is null
  order by v.live_from ${live ? "desc" : "asc"} limit 1)`;

const v2Override = `(select id from features_featurestate where feature_segment_id is not null)`;

test("an override's enabled left out of the files stays undeclared (not compared; the writer applies false)", () => {
  const { desired } = loadDesired([{ name: "v2.yaml", text: V2_FILE }], {});
  expect(desired.identityOverrides.map((o) => [o.identifier, o.enabled, o.value])).toEqual([
    ["u-1", undefined, "mine"],
  ]);
  expect(desired.segmentOverrides.map((o) => [o.segment, o.enabled])).toEqual([["staff", true]]);
});

describe.skipIf(!available)("drift of flag content in a v2 environment (v2.265.0)", () => {
  const v2 = { files: [join(scratch, "v2.yaml")] };
  writeFileSync(v2.files[0]!, V2_FILE);

  test("a re-run right after a fresh apply finds no drift", async () => {
    const db = await applied(v2);
    const [versions] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from feature_versioning_environmentfeatureversion`;
    expect(versions!.n).toBe(2);
    expect(await differing(db, v2)).toEqual({ code: 0, lines: [] });
  }, 60_000);

  test("only the live version counts; undeclared options and enabled are not compared", async () => {
    const db = await applied(v2);
    // The superseded version's copy of the state: not what Flagsmith serves.
    await db.sql.unsafe(`update features_featurestate set enabled = false where id = ${v2Default(false)}`);
    await db.sql.unsafe(
      `update features_featurestatevalue set string_value = 'old' where feature_state_id = ${v2Default(false)}`,
    );
    // An allocation of an option the state does not declare; the identity override's undeclared enabled.
    await db.sql.unsafe(`
      update multivariate_multivariatefeaturestatevalue set percentage_allocation = 0
      where feature_state_id = ${v2Default(true)} and multivariate_feature_option_id = ${optionId("layout", "list")}`);
    // Written disabled, as the API writes an override posted without `enabled`.
    const written = await db.sql`select enabled from features_featurestate where identity_id is not null`;
    expect([...written]).toEqual([{ enabled: false }]);
    await db.sql`update features_featurestate set enabled = true where identity_id is not null`;
    expect(await differing(db, v2)).toEqual({ code: 0, lines: [] });
  }, 60_000);

  test("the live version's state and override, and the identity override's value, differ", async () => {
    const db = await applied(v2);
    await db.sql.unsafe(`update features_featurestate set enabled = false where id = ${v2Default(true)}`);
    await db.sql.unsafe(`
      update multivariate_multivariatefeaturestatevalue set percentage_allocation = 25
      where feature_state_id = ${v2Default(true)} and multivariate_feature_option_id = ${optionId("layout", "grid")}`);
    // The override's value becomes the boolean true; its allocation of `list` 5.
    await db.sql.unsafe(`
      update features_featurestatevalue set type = 'bool', integer_value = null, boolean_value = true
      where feature_state_id = ${v2Override}`);
    await db.sql.unsafe(`
      update multivariate_multivariatefeaturestatevalue set percentage_allocation = 5
      where feature_state_id = ${v2Override} and multivariate_feature_option_id = ${optionId("layout", "list")}`);
    await db.sql`update features_featurestatevalue set string_value = 'yours' where feature_state_id = (
      select id from features_featurestate where identity_id is not null)`;
    const ran = await differing(db, v2);
    expect(ran.lines).toEqual([
      'Would skip state to feature "layout" in environment "Prod" of project "Shop" (already exists; differs: enabled is false in the database, true in the files; multivariate.grid is 25 in the database, 30 in the files).',
      'Would skip segment override "staff" to feature "layout" in environment "Prod" of project "Shop" (already exists; differs: value is true in the database, 7 in the files; multivariate.list is 5 in the database, 20 in the files).',
      'Would skip identity override "u-1" to feature "layout" in environment "Prod" of project "Shop" (already exists; differs: value is "yours" in the database, "mine" in the files).',
    ]);
    expect(ran.code).toBe(5);
    expect(await jsonDrift(db, v2)).toEqual([
      {
        kind: "featureState",
        name: "layout",
        drift: [
          { field: "enabled", database: false, files: true },
          { field: "multivariate.grid", database: 25, files: 30 },
        ],
      },
      {
        kind: "segmentOverride",
        name: "staff",
        drift: [
          { field: "value", database: true, files: 7 },
          { field: "multivariate.list", database: 5, files: 20 },
        ],
      },
      { kind: "identityOverride", name: "u-1", drift: [{ field: "value", database: "yours", files: "mine" }] },
    ]);
  }, 60_000);
});

describe.skipIf(schemaFile("v2.265.0") === null)("no drift right after a fresh apply of a preset (v2.265.0)", () => {
  for (const preset of ["dev", "demo"])
    test(
      preset,
      async () => {
        const db = await applied({ preset });
        expect(await differing(db, { preset })).toEqual({ code: 0, lines: [] });
        expect(await jsonDrift(db, { preset })).toEqual([]);
      },
      60_000,
    );
});
