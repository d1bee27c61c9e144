/**
 * Issue 10's acceptance for flag content (PROVISIONING.md §5), on our schema fixture and the real dumps: the
 * contract's §5 example (test/fixtures/valid/contract-flag-content.yaml) applied to an empty database gives the
 * rows Flagsmith's API writes for it (facts: WRITES.md and the flag-content fact sheet); a re-run changes nothing;
 * items added to the files later for features that exist are added, each with its "Added …" line, overrides after
 * the existing ones and new options at their default allocation in every environment state; an environment on
 * feature versioning v2 gets a version per feature, and a later override a new published version with clones of
 * the live one; a dry run lists the new kinds in JSON; reset deletes and recreates it all.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyCommand } from "../../src/commands/apply.ts";
import { resetCommand } from "../../src/commands/reset.ts";
import { UserError } from "../../src/errors.ts";
import type { Io } from "../../src/io.ts";
import {
  availableSchemas,
  checksumAllTables,
  createTestDatabase,
  noticeMissingDumps,
  type TestDatabase,
} from "../helpers/database.ts";
import { featureSegments, rowsOfVersions, stateLines, strayValueColumns, versions } from "../helpers/flag-content.ts";

setDefaultTimeout(60_000);
noticeMissingDumps("flag content");

const FIXTURE = join(import.meta.dir, "..", "fixtures", "valid", "contract-flag-content.yaml");

/** A later edit: a tag, identities, a segment, and new options, overrides and a tag for the features that exist. */
const MORE = `version: "1.0"
projects:
  - name: Web App
    organisation: Acme Corp
    tags:
      - { label: beta, color: "#00AA00" }
    environments:
      - name: Development
        identities:
          - identifier: dev-1
      - name: Canary
        identities:
          - identifier: canary-1
    segments:
      - name: staff
        rules: [{ type: ALL, conditions: [{ property: staff, operator: EQUAL, value: "true" }] }]
    features:
      - name: checkout_flow
        tags: [beta]
        multivariate_options:
          - { value: express, default_percentage_allocation: 15 }
        environments:
          Production:
            segment_overrides:
              - { segment: staff, enabled: true, value: express, multivariate: { express: 100 } }
          Canary:
            identity_overrides:
              - { identifier: canary-1, enabled: true, value: wizard }
      - name: items_per_page
        multivariate_options:
          - { value: 50, default_percentage_allocation: 10 }
        environments:
          Development:
            identity_overrides:
              - { identifier: dev-1, enabled: true, value: 7 }
`;

/** A later edit again: segment overrides in the v2 environment, for a feature with one version and one with two. */
const CANARY = `version: "1.0"
features:
  - name: checkout_flow
    project: Web App
    environments:
      Canary:
        segment_overrides:
          - { segment: eu_customers, enabled: true }
  - name: items_per_page
    project: Web App
    environments:
      Canary:
        segment_overrides:
          - { segment: beta_users, enabled: true, value: 50 }
`;

/** What the contract fixture writes, state by state (test/helpers/flag-content.ts stateLines). */
const CONTRACT_STATES = [
  "checkout_flow Development default off version=1 live unicode classic [one_page=30,wizard=20]",
  "checkout_flow Production default on version=1 live unicode classic [one_page=10,wizard=0]",
  // Canary started on v2 before its features existed: each feature's state is in its own version, not live itself.
  "checkout_flow Canary default v1 off version=1 not live unicode classic [one_page=30,wizard=20]",
  "items_per_page Development default on version=1 live int 100",
  "items_per_page Production default on version=1 live int 25",
  "items_per_page Canary default v1 off version=1 not live int 25",
  "checkout_flow Production segment beta_users on version=1 live unicode one_page",
  // No value: the feature's initial value, typed.
  "checkout_flow Production segment eu_customers off version=1 live unicode classic",
  "items_per_page Production segment eu_customers on version=1 live int 25",
  // The Canary override: a new version holding a clone of the environment state and the override.
  "checkout_flow Canary default v2 off version=NULL not live unicode classic [one_page=30,wizard=20]",
  "checkout_flow Canary segment beta_users v2 on version=1 not live unicode classic [one_page=50,wizard=50]",
  "checkout_flow Production identity user-123 on version=1 live unicode wizard",
  "items_per_page Production identity user-123 off version=1 live int 5",
];

for (const schema of availableSchemas()) {
  describe(`flag content (§5) on ${schema}`, () => {
    let db: TestDatabase;
    let dir: string;
    let afterContract: { checksum: string; states: string[] };
    beforeAll(async () => {
      db = await createTestDatabase(schema);
      dir = mkdtempSync(join(tmpdir(), "fsp-flag-content-"));
      copyFileSync(FIXTURE, join(dir, "10-contract.yaml"));
    });
    afterAll(async () => {
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Runs apply in-process on the test directory; returns stdout's lines (or the JSON document's). */
    async function apply(options: { dryRun?: boolean; json?: boolean } = {}): Promise<string[]> {
      const lines: string[] = [];
      const io: Io = { env: {}, cwd: dir, out: (l) => lines.push(l), err: () => {}, color: false };
      await applyCommand(
        {
          files: [],
          directory: dir,
          dryRun: options.dryRun ?? false,
          output: options.json ? "json" : "text",
          databaseUrl: db.url,
          showEnvironmentKeys: false,
        },
        io,
      );
      return lines;
    }
    const one = async <T>(query: Promise<T[]>): Promise<T> => (await query)[0]!;
    const hasColumn = async (table: string, column: string) =>
      (await db.sql`select 1 from information_schema.columns where table_name = ${table} and column_name = ${column}`)
        .length > 0;

    test("the contract fixture applies to an empty database", async () => {
      expect(await apply()).toEqual([
        'Created user "dev@acme.example".',
        'Created organisation "Acme Corp".',
        'Created project "Web App".',
        'Created environment "Development" in project "Web App".',
        'Created environment "Production" in project "Web App".',
        'Created environment "Canary" in project "Web App".',
        'Created segment "beta_users" in project "Web App".',
        'Created segment "eu_customers" in project "Web App".',
        'Created feature "checkout_flow" in project "Web App".',
        'Created feature "items_per_page" in project "Web App".',
        "Provisioning complete: 10 created, 0 skipped.",
      ]);
    });

    test("tags: as the dashboard creates them (no description → NULL, not permanent, not a system tag, type NONE)", async () => {
      const tags = await db.sql`
        select t.label, t.color, t.description, t.is_permanent, t.is_system_tag, t.type, p.name as project, t.uuid
        from tags_tag t join projects_project p on p.id = t.project_id order by t.id`;
      expect(tags.map(({ uuid: _, ...t }) => t)).toEqual([
        {
          label: "checkout",
          color: "#3d4db6",
          description: "Checkout team",
          is_permanent: false,
          is_system_tag: false,
          type: "NONE",
          project: "Web App",
        },
        {
          label: "experiment",
          color: "#3d4db6",
          description: null,
          is_permanent: false,
          is_system_tag: false,
          type: "NONE",
          project: "Web App",
        },
      ] as never);
      for (const t of tags) expect(t.uuid).toMatch(/^[0-9a-f-]{36}$/);
    });

    test("feature tags, owners and group owners are link rows", async () => {
      const links = await db.sql`
        select 'tag' as kind, f.name as feature, t.label as name from features_feature_tags x
          join features_feature f on f.id = x.feature_id join tags_tag t on t.id = x.tag_id
        union all
        select 'owner', f.name, u.email from features_feature_owners x
          join features_feature f on f.id = x.feature_id join users_ffadminuser u on u.id = x.ffadminuser_id
        union all
        select 'group owner', f.name, g.name from features_feature_group_owners x
          join features_feature f on f.id = x.feature_id join users_userpermissiongroup g on g.id = x.userpermissiongroup_id`;
      expect(links.map((l) => `${l.kind} ${l.feature} ${l.name}`)).toEqual([
        "tag checkout_flow checkout",
        "tag checkout_flow experiment",
        "owner checkout_flow dev@acme.example",
        "group owner checkout_flow Checkout Team",
      ]);
    });

    test("features: options make a feature MULTIVARIATE; is_server_key_only as declared", async () => {
      const features =
        await db.sql`select name, type, is_server_key_only, initial_value, default_enabled from features_feature order by id`;
      expect(features.map((f) => ({ ...f }))).toEqual([
        {
          name: "checkout_flow",
          type: "MULTIVARIATE",
          is_server_key_only: false,
          initial_value: "classic",
          default_enabled: false,
        },
        {
          name: "items_per_page",
          type: "STANDARD",
          is_server_key_only: true,
          initial_value: "25",
          default_enabled: false,
        },
      ] as never);
      const options = await db.sql`select * from multivariate_multivariatefeatureoption order by id`;
      expect(
        options.map((o) => [o.type, o.string_value, o.integer_value, o.boolean_value, o.default_percentage_allocation]),
      ).toEqual([
        ["unicode", "one_page", null, null, 30],
        ["unicode", "wizard", null, null, 20],
      ]);
      // The key column (v2.265.0) is NULL through the dashboard and the API unless sent.
      for (const o of options) if ("key" in o) expect(o.key).toBeNull();
    });

    test("environment states, overrides and allocations, state by state", async () => {
      expect(await stateLines(db.sql)).toEqual(CONTRACT_STATES);
      expect(await strayValueColumns(db.sql)).toBe(0);
      // Allocations go on environment states (one row per option) and on overrides only as declared.
      const [{ n }] = (await db.sql`select count(*)::int as n from multivariate_multivariatefeaturestatevalue mv
        join features_featurestate fs on fs.id = mv.feature_state_id where fs.identity_id is not null`) as unknown as [
        { n: number },
      ];
      expect(n).toBe(0);
    });

    test("segment overrides: priorities in list order, legacy columns false/NULL", async () => {
      const segments = await featureSegments(db.sql);
      expect(segments.map((s) => s.line)).toEqual([
        "checkout_flow Production beta_users priority=0",
        "checkout_flow Production eu_customers priority=1",
        "items_per_page Production eu_customers priority=0",
        "checkout_flow Canary beta_users v2 priority=0",
      ]);
      for (const s of segments) expect([s.enabled, s.value, s.value_type]).toEqual([false, null, null]);
      // v1 overrides and identity overrides are live from creation, in version 1.
      const states = await db.sql`
        select fs.version, fs.live_from, fs.created_at, fs.environment_feature_version_id as efv, fs.change_request_id
        from features_featurestate fs join environments_environment e on e.id = fs.environment_id
        where (fs.feature_segment_id is not null or fs.identity_id is not null) and e.name = 'Production'`;
      expect(states.length).toBe(5);
      for (const s of states) {
        expect([s.version, s.efv, s.change_request_id]).toEqual([1, null, null]);
        expect(s.live_from).toEqual(s.created_at);
      }
    });

    test("the v2 environment: a version per feature, and the override's published version with a clone", async () => {
      const rows = await versions(db.sql);
      expect(rows.map((v) => `${v.feature} ${v.environment}`)).toEqual([
        "checkout_flow Canary",
        "checkout_flow Canary",
        "items_per_page Canary",
      ]);
      for (const v of rows) {
        expect(v.published_at).not.toBeNull();
        expect(v.live_from).toEqual(v.published_at);
        expect([v.created_by_id, v.published_by_id, v.change_request_id, v.deleted_at]).toEqual([
          null,
          null,
          null,
          null,
        ]);
      }
      expect(rows[1]!.live_from!.getTime()).toBeGreaterThan(rows[0]!.live_from!.getTime());
      await expectClonesSalted();
    });

    /** Each state cloned into a later version (version NULL) takes its source's salt, or the source's id. */
    async function expectClonesSalted(): Promise<void> {
      if (!(await hasColumn("features_featurestate", "mv_hashing_salt"))) return;
      const states = await db.sql<
        {
          id: number;
          salt: number | null;
          version: number | null;
          segment: number | null;
          lineage: string;
          n: number;
        }[]
      >`
        select fs.id, fs.mv_hashing_salt as salt, fs.version, fseg.segment_id as segment,
               fs.feature_id || '/' || fs.environment_id as lineage,
               row_number() over (partition by fs.feature_id, fs.environment_id, fseg.segment_id order by v.live_from)::int as n
        from features_featurestate fs join feature_versioning_environmentfeatureversion v on v.uuid = fs.environment_feature_version_id
        left join features_featuresegment fseg on fseg.id = fs.feature_segment_id
        order by fs.id`;
      const clones = states.filter((s) => s.version === null);
      expect(clones.length).toBeGreaterThan(0);
      for (const clone of clones) {
        const source = states.find(
          (s) => s.lineage === clone.lineage && s.segment === clone.segment && s.n === clone.n - 1,
        )!;
        expect({ clone: clone.id, salt: clone.salt }).toEqual({ clone: clone.id, salt: source.salt ?? source.id });
      }
      for (const s of states.filter((s) => s.version !== null)) expect(s.salt).toBeNull();
    }

    test("project and environment settings", async () => {
      const project = await one(db.sql`select * from projects_project where name = 'Web App'`);
      expect(project).toMatchObject({
        hide_disabled_flags: false,
        feature_name_regex: "^[a-z_]+$",
        prevent_flag_defaults: false,
        only_allow_lower_case_feature_names: true,
      });
      if ("enforce_feature_owners" in project) expect(project.enforce_feature_owners).toBe(false);
      const environments = await db.sql`
        select name, hide_disabled_flags, allow_client_traits, banner_text, banner_colour, use_mv_v2_evaluation,
               use_identity_overrides_in_local_eval, hide_sensitive_data, use_v2_feature_versioning
        from environments_environment order by id`;
      expect(environments.map((e) => ({ ...e }))).toEqual([
        {
          name: "Development",
          hide_disabled_flags: null,
          allow_client_traits: true,
          banner_text: null,
          banner_colour: null,
          // use_identity_composite_key_for_hashing: false
          use_mv_v2_evaluation: false,
          use_identity_overrides_in_local_eval: false,
          hide_sensitive_data: true,
          use_v2_feature_versioning: false,
        },
        {
          name: "Production",
          hide_disabled_flags: true,
          allow_client_traits: false,
          banner_text: "Production",
          banner_colour: "#FF0000",
          use_mv_v2_evaluation: true,
          use_identity_overrides_in_local_eval: true,
          hide_sensitive_data: false,
          use_v2_feature_versioning: false,
        },
        {
          name: "Canary",
          hide_disabled_flags: null,
          allow_client_traits: true,
          banner_text: null,
          banner_colour: null,
          use_mv_v2_evaluation: true,
          use_identity_overrides_in_local_eval: true,
          hide_sensitive_data: false,
          use_v2_feature_versioning: true,
        },
      ] as never);
    });

    test("a second run creates nothing and changes no row", async () => {
      const before = await checksumAllTables(db.sql);
      const lines = await apply();
      expect(lines.filter((l) => !l.startsWith("Skipped "))).toEqual(["Provisioning complete: 0 created, 10 skipped."]);
      expect(await checksumAllTables(db.sql)).toBe(before);
      afterContract = { checksum: before, states: await stateLines(db.sql) };
    });

    test("--dry-run --output json lists what a later edit adds, with its fields, and writes nothing", async () => {
      writeFileSync(join(dir, "20-more.yaml"), MORE);
      const before = await checksumAllTables(db.sql);
      const report = JSON.parse((await apply({ dryRun: true, json: true })).join("\n"));
      expect(report.summary).toEqual({ created: 10, skipped: 10, differ: 0 });
      const web = { project: "Web App", organisation: "Acme Corp" };
      expect(report.actions.filter((a: { op: string }) => a.op === "create")).toEqual([
        { kind: "tag", op: "create", reported: true, name: "beta", ...web },
        { kind: "identity", op: "create", reported: true, name: "dev-1", environment: "Development", ...web },
        { kind: "identity", op: "create", reported: true, name: "canary-1", environment: "Canary", ...web },
        { kind: "segment", op: "create", reported: true, name: "staff", ...web },
        { kind: "featureTag", op: "create", reported: true, name: "beta", feature: "checkout_flow", ...web },
        { kind: "multivariateOption", op: "create", reported: true, name: "express", feature: "checkout_flow", ...web },
        { kind: "multivariateOption", op: "create", reported: true, name: "50", feature: "items_per_page", ...web },
        {
          kind: "segmentOverride",
          op: "create",
          reported: true,
          name: "staff",
          feature: "checkout_flow",
          environment: "Production",
          ...web,
        },
        {
          kind: "identityOverride",
          op: "create",
          reported: true,
          name: "canary-1",
          feature: "checkout_flow",
          environment: "Canary",
          ...web,
        },
        {
          kind: "identityOverride",
          op: "create",
          reported: true,
          name: "dev-1",
          feature: "items_per_page",
          environment: "Development",
          ...web,
        },
      ]);
      expect(await checksumAllTables(db.sql)).toBe(before);
    });

    test("a later edit adds to existing features: exact lines, overrides after the existing ones, options everywhere", async () => {
      await db.sql`update environments_environment set updated_at = '2001-01-01'`;
      const lines = await apply();
      // New options, overrides and segments move their environments' updated_at (§2.4), in one statement at the end.
      const stale = await db.sql`select name from environments_environment where updated_at < '2002-01-01'`;
      expect(stale.map((e) => e.name)).toEqual([]);
      expect(lines.filter((l) => !l.startsWith("Skipped "))).toEqual([
        'Added tag "beta" to project "Web App".',
        'Added identity "dev-1" to environment "Development" in project "Web App".',
        'Added identity "canary-1" to environment "Canary" in project "Web App".',
        'Created segment "staff" in project "Web App".',
        'Added tag "beta" to feature "checkout_flow" in project "Web App".',
        'Added multivariate option "express" to feature "checkout_flow" in project "Web App" (default allocation 15%).',
        'Added multivariate option "50" to feature "items_per_page" in project "Web App" (default allocation 10%).',
        'Added segment override "staff" to feature "checkout_flow" in environment "Production" of project "Web App".',
        'Added identity override "canary-1" to feature "checkout_flow" in environment "Canary" of project "Web App".',
        'Added identity override "dev-1" to feature "items_per_page" in environment "Development" of project "Web App".',
        "Provisioning complete: 10 created, 10 skipped.",
      ]);
      // The new options are on every environment state of their feature, every v2 version's included, at their
      // default allocation; never on overrides, which get only what they declare.
      const withExpress = (line: string) => line.replace("wizard=20]", "wizard=20,express=15]");
      expect(await stateLines(db.sql)).toEqual([
        withExpress(CONTRACT_STATES[0]!),
        CONTRACT_STATES[1]!.replace("wizard=0]", "wizard=0,express=15]"),
        withExpress(CONTRACT_STATES[2]!),
        CONTRACT_STATES[3] + " [50=10]",
        CONTRACT_STATES[4] + " [50=10]",
        CONTRACT_STATES[5] + " [50=10]",
        ...CONTRACT_STATES.slice(6, 9),
        withExpress(CONTRACT_STATES[9]!),
        ...CONTRACT_STATES.slice(10),
        // Appended after beta_users (0) and eu_customers (1); its own allocations only.
        "checkout_flow Production segment staff on version=1 live unicode express [express=100]",
        // Identity overrides are not versioned: no version, and in a v2 environment not live by themselves.
        "checkout_flow Canary identity canary-1 on version=1 not live unicode wizard",
        "items_per_page Development identity dev-1 on version=1 live int 7",
      ]);
      expect((await featureSegments(db.sql)).map((s) => s.line)).toContain("checkout_flow Production staff priority=2");
      const identityInV2 = await one(db.sql`
        select fs.environment_feature_version_id as efv from features_featurestate fs
        join environments_identity i on i.id = fs.identity_id where i.identifier = 'canary-1'`);
      expect(identityInV2.efv).toBeNull();
      // The option's value is typed like an initial value; the feature it was added to is now MULTIVARIATE.
      const options = await db.sql`select o.type, o.string_value, o.integer_value, o.default_percentage_allocation as p
        from multivariate_multivariatefeatureoption o order by o.id`;
      expect(options.slice(2).map((o) => [o.type, o.string_value, o.integer_value, o.p])).toEqual([
        ["unicode", "express", null, 15],
        ["int", null, 50, 10],
      ]);
      const items = await one(db.sql`select type from features_feature where name = 'items_per_page'`);
      expect(items.type).toBe("MULTIVARIATE");
      expect(await strayValueColumns(db.sql)).toBe(0);
      // And the edited files re-run as a no-op.
      const before = await checksumAllTables(db.sql);
      expect((await apply()).at(-1)).toBe("Provisioning complete: 0 created, 11 skipped.");
      expect(await checksumAllTables(db.sql)).toBe(before);
    });

    test("v2: a later override is a new published version: clones of the live version's states, old rows untouched", async () => {
      const old = await versions(db.sql);
      const oldRows = await rowsOfVersions(
        db.sql,
        old.map((v) => v.uuid),
      );
      writeFileSync(join(dir, "30-canary.yaml"), CANARY);
      const lines = await apply();
      expect(lines.filter((l) => !l.startsWith("Skipped "))).toEqual([
        'Added segment override "eu_customers" to feature "checkout_flow" in environment "Canary" of project "Web App".',
        'Added segment override "beta_users" to feature "items_per_page" in environment "Canary" of project "Web App".',
        "Provisioning complete: 2 created, 11 skipped.",
      ]);
      expect(
        await rowsOfVersions(
          db.sql,
          old.map((v) => v.uuid),
        ),
      ).toEqual(oldRows);
      const now = await versions(db.sql);
      const added = now.filter((v) => !old.some((o) => o.uuid === v.uuid));
      expect(added.map((v) => `${v.feature} ${v.environment}`)).toEqual([
        "checkout_flow Canary",
        "items_per_page Canary",
      ]);
      for (const v of added) {
        expect(v.live_from).toEqual(v.published_at);
        expect(v.live_from!.getTime()).toBeGreaterThan(Math.max(...old.map((o) => o.live_from!.getTime())));
        expect([v.created_by_id, v.published_by_id]).toEqual([null, null]);
      }
      const states = await stateLines(db.sql);
      expect(states.slice(-5)).toEqual([
        // The clones of every feature first (one statement), then the overrides. items_per_page had one version:
        // its environment state is cloned, with the option added since.
        "items_per_page Canary default v2 off version=NULL not live int 25 [50=10]",
        // checkout_flow had two: the live one (v2) is cloned, the environment state and its override.
        "checkout_flow Canary default v3 off version=NULL not live unicode classic [one_page=30,wizard=20,express=15]",
        "checkout_flow Canary segment beta_users v3 on version=NULL not live unicode classic [one_page=50,wizard=50]",
        "checkout_flow Canary segment eu_customers v3 on version=1 not live unicode classic",
        "items_per_page Canary segment beta_users v2 on version=1 not live int 50",
      ]);
      const segments = (await featureSegments(db.sql)).map((s) => s.line);
      expect(segments.slice(-3)).toEqual([
        "checkout_flow Canary beta_users v3 priority=0",
        "checkout_flow Canary eu_customers v3 priority=1",
        "items_per_page Canary beta_users v2 priority=0",
      ]);
      await expectClonesSalted();
      const before = await checksumAllTables(db.sql);
      expect((await apply()).at(-1)).toBe("Provisioning complete: 0 created, 11 skipped.");
      expect(await checksumAllTables(db.sql)).toBe(before);
    });

    test("connected, an allocation for an option that exists nowhere is reported at the option's name", async () => {
      const path = join(dir, "40-typo.yaml");
      writeFileSync(
        path,
        'version: "1.0"\nfeatures:\n  - name: checkout_flow\n    project: Web App\n    environments:\n      Development:\n        multivariate: { zzz_option: 5 }\n',
      );
      try {
        const error = await apply().catch((e) => e);
        expect(error).toBeInstanceOf(UserError);
        const issues = (error as UserError).issues;
        expect(issues.map((i) => [i.rule, i.message])).toEqual([
          [
            "dangling-reference",
            'multivariate option "zzz_option" of feature "checkout_flow" is neither declared in the files nor present in the database',
          ],
        ]);
        const { file, line, column } = issues[0]!.position!;
        expect({ file, line, column }).toEqual({ file: path, line: 7, column: 25 });
      } finally {
        rmSync(path);
      }
    });

    test("a new option that would take a stored environment state over 100% is refused, as Flagsmith refuses it", async () => {
      // The dashboard raised Production's one_page to 80% since: with express's 15 the state holds 95%.
      const production = await one(db.sql`
        select fs.id from features_featurestate fs join features_feature f on f.id = fs.feature_id
        join environments_environment e on e.id = fs.environment_id
        where f.name = 'checkout_flow' and e.name = 'Production' and fs.identity_id is null and fs.feature_segment_id is null`);
      const onePage = db.sql`
        multivariate_feature_option_id = (select id from multivariate_multivariatefeatureoption where string_value = 'one_page')`;
      await db.sql`update multivariate_multivariatefeaturestatevalue set percentage_allocation = 80
        where feature_state_id = ${production.id} and ${onePage}`;
      const path = join(dir, "50-bold.yaml");
      writeFileSync(
        path,
        'version: "1.0"\nfeatures:\n  - name: checkout_flow\n    project: Web App\n    multivariate_options:\n      - { value: bold, default_percentage_allocation: 10 }\n',
      );
      try {
        const before = await checksumAllTables(db.sql);
        for (const dryRun of [true, false]) {
          const error = await apply({ dryRun }).catch((e) => e);
          expect(error).toBeInstanceOf(UserError);
          const issues = (error as UserError).issues;
          expect(issues.map((i) => [i.rule, i.message])).toEqual([
            [
              "over-allocated",
              'new multivariate options of feature "checkout_flow" (default allocation 10% in total) would take its state in environment "Production", which allocates 95% already, to 105%; at most 100% can be split between the variants',
            ],
          ]);
          const { file, line, column } = issues[0]!.position!;
          expect({ file, line, column }).toEqual({ file: path, line: 6, column: 9 });
        }
        expect(await checksumAllTables(db.sql)).toBe(before);
      } finally {
        rmSync(path);
        await db.sql`update multivariate_multivariatefeaturestatevalue set percentage_allocation = 10
          where feature_state_id = ${production.id} and ${onePage}`;
      }
    });

    test("reset --yes of the fixture deletes it all and creates it again", async () => {
      const lines: string[] = [];
      const errors: string[] = [];
      const io: Io = { env: {}, cwd: dir, out: (l) => lines.push(l), err: (l) => errors.push(l), color: false };
      await resetCommand(
        { files: [FIXTURE], dryRun: false, output: "text", databaseUrl: db.url, showEnvironmentKeys: false },
        true,
        io,
      );
      expect(errors.join("\n")).toMatch(/Reset: deleted 1 organisation, 1 user and \d+ rows that belonged to them\./);
      expect(lines.at(-1)).toBe("Provisioning complete: 10 created, 0 skipped.");
      expect(await stateLines(db.sql)).toEqual(afterContract.states);
      const [{ staff, beta, versionRows }] = (await db.sql`
        select (select count(*)::int from segments_segment where name = 'staff') as staff,
               (select count(*)::int from tags_tag where label = 'beta') as beta,
               (select count(*)::int from feature_versioning_environmentfeatureversion) as "versionRows"`) as unknown as [
        { staff: number; beta: number; versionRows: number },
      ];
      expect({ staff, beta, versionRows }).toEqual({ staff: 0, beta: 0, versionRows: 3 });
    });
  });
}
