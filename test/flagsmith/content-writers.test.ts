import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import {
  availableSchemas,
  checksumAllTables,
  createTestDatabase,
  noticeMissingDumps,
  type TestDatabase,
} from "../helpers/database.ts";
import { content, creations, declare, projectRef, provisionContent, seedProject } from "../helpers/content-seed.ts";
import { ApplyError, UserError } from "../../src/errors.ts";
import type { SegmentRule } from "../../src/kinds/index.ts";

noticeMissingDumps("content writers");

const beta: SegmentRule[] = [
  {
    type: "ALL",
    conditions: [],
    rules: [
      {
        type: "ANY",
        conditions: [{ property: "is_beta", operator: "EQUAL", value: "true", description: null }],
        rules: [],
      },
      {
        type: "NONE",
        conditions: [
          { property: "plan", operator: "IN", value: "free,trial", description: "not on a free plan" },
          { property: "banned", operator: "IS_SET", value: null, description: null },
        ],
        rules: [],
      },
    ],
  },
];

for (const schema of availableSchemas()) {
  describe(`content writers on ${schema}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase(schema);
    });
    afterAll(async () => {
      await db.drop();
    });

    test("a new environment gets a state for every pre-existing feature (archived included, deleted not), in id order", async () => {
      const web = projectRef("Acme", "Web");
      await seedProject(db.sql, "Acme", "Web");
      await provisionContent(
        db.sql,
        content({
          features: [
            declare.feature(web, "dark_mode", { defaultEnabled: true }),
            declare.feature(web, "items_per_page", { initialValue: "25" }),
            declare.feature(web, "old", { initialValue: "True" }),
            declare.feature(web, "gone"),
          ],
        }),
      );
      await db.sql`update features_feature set is_archived = true where name = 'old'`;
      await db.sql`update features_feature set deleted_at = now() where name = 'gone'`;

      const run = await provisionContent(db.sql, content({ environments: [declare.environment(web, "Production")] }));
      expect(creations(run.plan)).toEqual({ environment: 1 });

      const [env] = await db.sql`select * from environments_environment where name = 'Production'`;
      expect(env).toMatchObject({
        description: null,
        webhooks_enabled: false,
        webhook_url: null,
        allow_client_traits: true,
        hide_disabled_flags: null,
        use_mv_v2_evaluation: true,
        hide_sensitive_data: false,
        use_v2_feature_versioning: false,
        use_identity_overrides_in_local_eval: true,
        is_creating: false,
        deleted_at: null,
        banner_text: null,
        minimum_change_request_approvals: null,
      });
      expect(env!.api_key).toMatch(/^[2-9A-HJ-NP-Za-km-z]{22}$/);
      expect(env!.updated_at).toEqual(env!.created_date);
      const [history] = await db.sql`select * from environments_historicalenvironment where id = ${env!.id}`;
      expect(history).toMatchObject({
        name: "Production",
        api_key: env!.api_key,
        history_type: "+",
        history_user_id: null,
        use_mv_v2_evaluation: true,
      });
      expect(history!.history_date).toEqual(env!.created_date);

      const states = await db.sql`
        select f.name, fs.id, fs.enabled, fs.version, fs.live_from, fs.created_at, fs.identity_id, fs.feature_segment_id,
               fs.environment_feature_version_id, fs.deleted_at, v.type, v.boolean_value, v.integer_value, v.string_value, v.id as value_id
        from features_featurestate fs join features_feature f on f.id = fs.feature_id
        join features_featurestatevalue v on v.feature_state_id = fs.id
        where fs.environment_id = ${env!.id} order by fs.id`;
      expect(states.map((s) => s.name)).toEqual(["dark_mode", "items_per_page", "old"]);
      expect(states.map((s) => [s.enabled, s.type, s.boolean_value, s.integer_value, s.string_value])).toEqual([
        [true, "unicode", null, null, null],
        [false, "int", null, 25, null],
        [false, "bool", true, null, null],
      ]);
      for (const s of states) {
        expect(s).toMatchObject({
          version: 1,
          identity_id: null,
          feature_segment_id: null,
          environment_feature_version_id: null,
          deleted_at: null,
        });
        expect(s.live_from).toEqual(s.created_at);
      }
      // FSV ids follow FS ids (Flagsmith creates each value right after its state).
      expect(states.map((s) => s.value_id)).toEqual([...states.map((s) => s.value_id)].sort((a, b) => a - b));
    });

    test("a new feature gets one state in every environment, existing and created in the same run, and bumps existing ones", async () => {
      const app = projectRef("Beta Org", "App");
      await seedProject(db.sql, "Beta Org", "App");
      await provisionContent(db.sql, content({ environments: [declare.environment(app, "Development")] }));
      await db.sql`update environments_environment set updated_at = '2001-01-01' where name = 'Development'`;
      const before = await db.sql`select now() as t`;

      const run = await provisionContent(
        db.sql,
        content({
          environments: [declare.environment(app, "Development"), declare.environment(app, "Staging")],
          features: [declare.feature(app, "banner", { defaultEnabled: true, initialValue: "hello" })],
        }),
      );
      expect(creations(run.plan)).toEqual({ environment: 1, feature: 1 });
      const rows = await db.sql`
        select e.name as environment, fs.enabled, v.type, v.string_value, e.updated_at
        from features_featurestate fs join environments_environment e on e.id = fs.environment_id
        join features_feature f on f.id = fs.feature_id join features_featurestatevalue v on v.feature_state_id = fs.id
        where f.name = 'banner' order by fs.id`;
      expect(rows.map((r) => [r.environment, r.enabled, r.type, r.string_value])).toEqual([
        ["Development", true, "unicode", "hello"],
        ["Staging", true, "unicode", "hello"],
      ]);
      expect(rows[0]!.updated_at.getTime()).toBeGreaterThanOrEqual(before[0]!.t.getTime());
      const [{ n }] =
        (await db.sql`select count(*)::int as n from features_featurestate fs join environments_environment e on e.id = fs.environment_id
        join projects_project p on p.id = e.project_id where p.name = 'App'`) as unknown as [{ n: number }];
      expect(n).toBe(2);
    });

    test("prevent_flag_defaults: states start disabled with an empty unicode value", async () => {
      const strict = projectRef("Strict Org", "Strict");
      await seedProject(db.sql, "Strict Org", "Strict", { preventFlagDefaults: true });
      await provisionContent(
        db.sql,
        content({
          environments: [declare.environment(strict, "Live")],
          features: [declare.feature(strict, "limit", { defaultEnabled: true, initialValue: "25" })],
        }),
      );
      const [row] = await db.sql`
        select f.default_enabled, f.initial_value, fs.enabled, v.type, v.boolean_value, v.integer_value, v.string_value
        from features_feature f join features_featurestate fs on fs.feature_id = f.id
        join features_featurestatevalue v on v.feature_state_id = fs.id where f.name = 'limit'`;
      expect(row).toEqual({
        default_enabled: true,
        initial_value: "25",
        enabled: false,
        type: "unicode",
        boolean_value: null,
        integer_value: null,
        string_value: null,
      } as never);
    });

    test("segments: dashboard-shaped rows, version_of_id = id, rules_data, API insertion order; bumps environments", async () => {
      const web = projectRef("Acme", "Web");
      await db.sql`update environments_environment set updated_at = '2001-01-01' where name = 'Production'`;
      await provisionContent(db.sql, content({ segments: [declare.segment(web, "beta_users", beta)] }));
      const [segment] = await db.sql`select * from segments_segment where name = 'beta_users'`;
      expect(segment).toMatchObject({
        version: 1,
        description: null,
        feature_id: null,
        deleted_at: null,
        change_request_id: null,
        is_system_segment: false,
      });
      expect(segment!.version_of_id).toBe(segment!.id);
      expect(segment!.created_at).toEqual(segment!.updated_at);
      if ("managed_by" in segment!) expect(segment!.managed_by).toBe("");
      if ("rules_data" in segment!) {
        expect(segment!.rules_data).toEqual([
          {
            type: "ALL",
            conditions: [],
            rules: [
              {
                type: "ANY",
                rules: [],
                conditions: [{ property: "is_beta", operator: "EQUAL", value: "true", description: null }],
              },
              {
                type: "NONE",
                rules: [],
                conditions: [
                  { property: "plan", operator: "IN", value: "free,trial", description: "not on a free plan" },
                  { property: "banned", operator: "IS_SET", value: null, description: null },
                ],
              },
            ],
          },
        ]);
      }
      const rules =
        await db.sql`select id, type, segment_id, rule_id, created_at from segments_segmentrule order by id`;
      expect(rules.map((r) => r.type)).toEqual(["ALL", "ANY", "NONE"]);
      expect(rules[0]).toMatchObject({ segment_id: segment!.id, rule_id: null });
      expect(rules[1]).toMatchObject({ segment_id: null, rule_id: rules[0]!.id });
      expect(rules[2]).toMatchObject({ segment_id: null, rule_id: rules[0]!.id });
      const conditions =
        await db.sql`select rule_id, property, operator, value, description, created_with_segment from segments_condition order by id`;
      expect(
        conditions.map((c) => [c.rule_id, c.property, c.operator, c.value, c.description, c.created_with_segment]),
      ).toEqual([
        [rules[1]!.id, "is_beta", "EQUAL", "true", null, false],
        [rules[2]!.id, "plan", "IN", "free,trial", "not on a free plan", false],
        [rules[2]!.id, "banned", "IS_SET", null, null, false],
      ]);
      const [env] = await db.sql`select updated_at from environments_environment where name = 'Production'`;
      expect(env!.updated_at.getUTCFullYear()).toBeGreaterThan(2001);
      // History '+' rows as django-simple-history writes them; the segment's is captured before version_of_id is set.
      const [history] = await db.sql`select * from segments_historicalsegment where id = ${segment!.id}`;
      expect(history).toMatchObject({
        history_type: "+",
        history_user_id: null,
        version_of_id: null,
        version: 1,
        name: "beta_users",
      });
      const ruleHistory =
        await db.sql`select id, type, rule_id, segment_id from segments_historicalsegmentrule order by history_id`;
      expect(ruleHistory).toEqual(
        rules.map((r) => ({ id: r.id, type: r.type, rule_id: r.rule_id, segment_id: r.segment_id })) as never,
      );
      const conditionHistory = await db.sql`select property from segments_historicalcondition order by history_id`;
      expect(conditionHistory.map((c) => c.property)).toEqual(["is_beta", "plan", "banned"]);
    });

    test("identities with typed traits", async () => {
      const web = projectRef("Acme", "Web");
      await provisionContent(
        db.sql,
        content({
          identities: [
            declare.identity(web, "Production", "user-1", { plan: "pro", age: 42, beta: true, score: 1.5, code: "25" }),
          ],
        }),
      );
      const [identity] = await db.sql`select * from environments_identity where identifier = 'user-1'`;
      if ("system_traits" in identity!) expect(identity!.system_traits).toEqual({});
      const traits = await db.sql`select trait_key, value_type, string_value, integer_value, boolean_value, float_value
        from environments_trait where identity_id = ${identity!.id} order by id`;
      expect(traits.map((t) => Object.values(t))).toEqual([
        ["plan", "unicode", "pro", null, null, null],
        ["age", "int", null, 42, null, null],
        ["beta", "bool", null, null, true, null],
        ["score", "float", null, null, null, 1.5],
        ["code", "unicode", "25", null, null, null],
      ]);
    });

    test("a re-run creates nothing and changes no row", async () => {
      const web = projectRef("Acme", "Web");
      const desired = content({
        environments: [declare.environment(web, "Production"), declare.environment(web, "Development")],
        identities: [
          declare.identity(web, "Production", "user-1", { plan: "pro" }),
          declare.identity(web, "Development", "user-2"),
        ],
        segments: [declare.segment(web, "beta_users", beta), declare.segment(web, "staff", beta)],
        // Case-insensitive: "DARK_MODE" is the existing "dark_mode".
        features: [declare.feature(web, "DARK_MODE"), declare.feature(web, "new_flag", { initialValue: "1_000" })],
      });
      const first = await provisionContent(db.sql, desired);
      expect(creations(first.plan)).toEqual({ environment: 1, identity: 1, segment: 1, feature: 1 });
      const before = await checksumAllTables(db.sql);
      const second = await provisionContent(db.sql, desired);
      expect(creations(second.plan)).toEqual({});
      expect(await checksumAllTables(db.sql)).toBe(before);
      // Both environments hold exactly one state per non-deleted feature (no duplicates either way).
      const dupes =
        await db.sql`select environment_id, feature_id from features_featurestate group by 1, 2 having count(*) > 1`;
      expect(dupes.length).toBe(0);
    });

    test("an existing name matching several rows is an error naming the ids", async () => {
      const web = projectRef("Acme", "Web");
      const [{ id }] = (await db.sql`select e.id from environments_environment e
        join projects_project p on p.id = e.project_id where e.name = 'Development' and p.name = 'Web'`) as unknown as [
        { id: number },
      ];
      const [copy] = await db.sql`
        insert into environments_environment (name, uuid, created_date, project_id, api_key, webhooks_enabled, allow_client_traits,
          updated_at, use_mv_v2_evaluation, hide_sensitive_data, use_v2_feature_versioning, use_identity_overrides_in_local_eval, is_creating)
        select name, gen_random_uuid(), now(), project_id, 'dup-key', false, true, now(), true, false, false, true, false
        from environments_environment where id = ${id} returning id`;
      try {
        const error = await provisionContent(
          db.sql,
          content({ environments: [declare.environment(web, "Development", 7)] }),
        ).catch((e) => e);
        expect(error).toBeInstanceOf(UserError);
        expect(error.issues[0]).toMatchObject({
          rule: "ambiguous-existing",
          position: { file: "test.yaml", line: 7, column: 1 },
        });
        expect(error.issues[0].message).toContain(`ids ${id}, ${copy!.id}`);
      } finally {
        await db.sql`delete from environments_environment where id = ${copy!.id}`;
      }
    });

    test("an environment on versioning v2 gets an initial published version per new feature, and the state points at it", async () => {
      const [table] = await db.sql`select to_regclass('feature_versioning_environmentfeatureversion') as t`;
      if (table!.t === null) {
        console.warn(
          `NOTICE: ${schema} has no feature_versioning_environmentfeatureversion table; v2 versioning test skipped`,
        );
        return;
      }
      const v2 = projectRef("V2 Org", "Versioned");
      await seedProject(db.sql, "V2 Org", "Versioned");
      await provisionContent(db.sql, content({ environments: [declare.environment(v2, "Main")] }));
      await db.sql`update environments_environment set use_v2_feature_versioning = true where name = 'Main'`;
      await provisionContent(
        db.sql,
        content({ features: [declare.feature(v2, "versioned_flag", { defaultEnabled: true })] }),
      );
      const [row] = await db.sql`
        select fs.live_from, fs.version, fs.enabled, efv.environment_id = fs.environment_id as same_env, efv.feature_id = fs.feature_id as same_feature,
               efv.published_at is not null and efv.live_from = efv.published_at and efv.created_at = efv.published_at as published,
               efv.deleted_at, efv.created_by_id, efv.change_request_id
        from features_featurestate fs join features_feature f on f.id = fs.feature_id
        join feature_versioning_environmentfeatureversion efv on efv.uuid = fs.environment_feature_version_id
        where f.name = 'versioned_flag'`;
      expect(row).toEqual({
        live_from: null,
        version: 1,
        enabled: true,
        same_env: true,
        same_feature: true,
        published: true,
        deleted_at: null,
        created_by_id: null,
        change_request_id: null,
      } as never);
    });

    test("a database refusal names the entity and its position", async () => {
      // Values too long are refused before any write now (compat.ts), so the database refuses through a constraint
      // of its own that no check before the write knows about.
      await db.sql`alter table environments_identity add constraint fsp_test_refuse check (identifier <> 'too-long') not valid`;
      const web = projectRef("Acme", "Web");
      const identity = {
        ...declare.identity(web, "Production", "too-long", { note: "x" }),
        source: { file: "ids.yaml", line: 4, column: 7 },
      };
      const error = await provisionContent(db.sql, content({ identities: [identity] })).catch((e) => e);
      await db.sql`alter table environments_identity drop constraint fsp_test_refuse`;
      expect(error).toBeInstanceOf(ApplyError);
      expect(error.message).toContain(`identity "too-long" (ids.yaml:4:7)`);
      expect(error.details).toMatchObject({ code: "23514", position: { file: "ids.yaml", line: 4, column: 7 } });
      const [{ n }] =
        (await db.sql`select count(*)::int as n from environments_identity where identifier = 'too-long'`) as unknown as [
          { n: number },
        ];
      expect(n).toBe(0);
    });

    test("the number of statements does not grow with the number of features", async () => {
      const countFor = async (project: string, n: number): Promise<number> => {
        const ref = projectRef("Count Org " + project, project);
        await seedProject(db.sql, "Count Org " + project, project);
        let statements = 0;
        const counted = postgres(db.url, { max: 1, onnotice: () => {}, debug: () => void statements++ });
        try {
          await provisionContent(
            counted,
            content({
              environments: [declare.environment(ref, "One"), declare.environment(ref, "Two")],
              segments: Array.from({ length: n }, (_, i) => declare.segment(ref, `segment-${i}`, beta)),
              features: Array.from({ length: n }, (_, i) =>
                declare.feature(ref, `feature-${i}`, { initialValue: String(i % 7) }),
              ),
            }),
          );
        } finally {
          await counted.end();
        }
        const [{ states }] = (await db.sql`select count(*)::int as states from features_featurestate fs
          join features_feature f on f.id = fs.feature_id join projects_project p on p.id = f.project_id where p.name = ${project}`) as unknown as [
          { states: number },
        ];
        expect(states).toBe(2 * n);
        return statements;
      };
      expect(await countFor("Ten", 10)).toBe(await countFor("Thousand", 1000));
    });
  });
}
