/**
 * Drift on the project side (issue 11): projects, environments, identities, segments and tags. Each test changes the
 * database as a dashboard user would (the columns Flagsmith's API changes), then a dry run with --detailed-exitcode
 * must name the difference on the Skipped line and in the JSON drift entries, exit 5, and change nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { checksumAllTables, createTestDatabase, schemaFile, type TestDatabase } from "../helpers/database.ts";
import { SCHEMA } from "../helpers/run.ts";
import { ensureBinary, run } from "../helpers/binary.ts";
import { applyRun, checkDrift, writeYaml } from "../helpers/drift-check.ts";

const FILE = writeYaml(
  "project.yaml",
  `version: "1.0"
organisations:
  - name: Drift Org
projects:
  - name: Drift App
    organisation: Drift Org
    hide_disabled_flags: false
    tags:
      - {label: team, color: "#27AB95", description: The team}
    environments:
      - name: Development
        description: for developers
        banner_text: Dev
        banner_colour: "#27ab95"
        use_identity_composite_key_for_hashing: true
        identities:
          - identifier: user-1
            traits: {tier: gold, age: 42, beta: true, ratio: 0.5}
    segments:
      - name: pro_users
        description: paying customers
        rules:
          - type: ALL
            conditions:
              - {property: plan, operator: EQUAL, value: pro}
              - {property: seats, operator: IN, value: [5, 10]}
`,
);
const files = { files: [FILE] };
const SKIPPED = 4; // organisation, project, environment, segment (nested items get a line only when they differ)
const summary = (differ: number, skipped = SKIPPED + differ) =>
  `Dry run complete: 0 would be created, ${skipped} skipped, ${differ} differ. Nothing was written.`;

/** What the files declare for the segment, as the drift line shows it (the shorthand in the dashboard's shape). */
const rulesWith = (plan: string) => [
  {
    type: "ALL",
    rules: [
      { type: "ANY", conditions: [{ property: "plan", operator: "EQUAL", value: plan }] },
      { type: "ANY", conditions: [{ property: "seats", operator: "IN", value: "5,10" }] },
    ],
  },
];

describe(`drift of projects, environments, identities, segments and tags (${SCHEMA})`, () => {
  let db: TestDatabase;
  let applied: string;
  let ageTrait: { id: number; created_date: string };
  beforeAll(async () => {
    db = await createTestDatabase(SCHEMA);
    const first = await applyRun(db.url, files);
    expect(first.lines.at(-1)).toMatch(/^Provisioning complete: [1-9]\d* created, 0 skipped\.$/);
    applied = await checksumAllTables(db.sql);
    // As text: a JS Date would lose the microseconds.
    const [age] = await db.sql<{ id: number; created_date: string }[]>`
      select id, created_date::text from environments_trait where trait_key = 'age'`;
    ageTrait = age!;
  }, 60_000);
  afterAll(() => db.drop());

  /** Runs the check with `change` applied, and puts the database back as the apply left it. */
  async function withChange(change: () => Promise<unknown>, undo: () => Promise<unknown>, sources = files) {
    await change();
    try {
      const before = await checksumAllTables(db.sql);
      const result = await checkDrift(db.url, sources);
      expect(await checksumAllTables(db.sql)).toBe(before);
      return result;
    } finally {
      await undo();
      expect(await checksumAllTables(db.sql)).toBe(applied);
    }
  }

  const driftOf = (report: Awaited<ReturnType<typeof checkDrift>>["report"], kind: string, name: string) =>
    report.actions.find((a) => a.kind === kind && a.name === name)?.drift;

  test("right after the apply nothing differs: exit 0, no drift entries", async () => {
    const { code, lines, report } = await checkDrift(db.url, files);
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe(`Dry run complete: 0 would be created, ${SKIPPED} skipped. Nothing was written.`);
    expect(report.actions.filter((a) => a.drift)).toEqual([]);
  }, 30_000);

  test("a project setting flipped in the dashboard (hide_disabled_flags)", async () => {
    const { code, lines, report } = await withChange(
      () => db.sql`update projects_project set hide_disabled_flags = true where name = 'Drift App'`,
      () => db.sql`update projects_project set hide_disabled_flags = false where name = 'Drift App'`,
    );
    expect(code).toBe(5);
    expect(lines).toContain(
      'Would skip project "Drift App" (already exists; differs: hide_disabled_flags is true in the database, false in the files).',
    );
    expect(lines.at(-1)).toBe(summary(1, SKIPPED));
    expect(driftOf(report, "project", "Drift App")).toEqual([
      { field: "hide_disabled_flags", database: true, files: false },
    ]);
  }, 30_000);

  test("an environment's banner text edited, and a setting named as the files name it", async () => {
    const { code, lines, report } = await withChange(
      () =>
        db.sql`update environments_environment set banner_text = 'Careful', use_mv_v2_evaluation = false
               where name = 'Development'`,
      () =>
        db.sql`update environments_environment set banner_text = 'Dev', use_mv_v2_evaluation = true
               where name = 'Development'`,
    );
    expect(code).toBe(5);
    expect(lines).toContain(
      'Would skip environment "Development" in project "Drift App" (already exists; differs: banner_text is "Careful" in the database, "Dev" in the files; use_identity_composite_key_for_hashing is false in the database, true in the files).',
    );
    expect(lines.at(-1)).toBe(summary(1, SKIPPED));
    expect(driftOf(report, "environment", "Development")).toEqual([
      { field: "banner_text", database: "Careful", files: "Dev" },
      { field: "use_identity_composite_key_for_hashing", database: false, files: true },
    ]);
  }, 30_000);

  test("a trait changed to another type, one removed, one added by an SDK: each declared trait its own field", async () => {
    const { code, lines, report } = await withChange(
      async () => {
        await db.sql`update environments_trait set value_type = 'int', integer_value = 3, string_value = null
                     where trait_key = 'tier'`;
        await db.sql`delete from environments_trait where trait_key = 'age'`;
        await db.sql`insert into environments_trait (trait_key, value_type, string_value, created_date, identity_id)
                     select 'browser', 'unicode', 'firefox', now(), id from environments_identity`;
      },
      async () => {
        await db.sql`update environments_trait set value_type = 'unicode', integer_value = null, string_value = 'gold'
                     where trait_key = 'tier'`;
        await db.sql`delete from environments_trait where trait_key = 'browser'`;
        // The apply's row back, id included, so that the database reads as it did.
        await db.sql`insert into environments_trait (id, trait_key, value_type, integer_value, created_date, identity_id)
                     select ${ageTrait.id}, 'age', 'int', 42, ${ageTrait.created_date}::text::timestamptz, id from environments_identity`;
      },
    );
    expect(code).toBe(5);
    expect(lines).toContain(
      'Would skip identity "user-1" to environment "Development" in project "Drift App" (already exists; differs: traits.tier is 3 in the database, "gold" in the files; traits.age is null in the database, 42 in the files).',
    );
    expect(lines.at(-1)).toBe(summary(1));
    expect(driftOf(report, "identity", "user-1")).toEqual([
      { field: "traits.tier", database: 3, files: "gold" },
      { field: "traits.age", database: null, files: 42 },
    ]);
  }, 30_000);

  test("a segment condition's value edited in place shows as drift on rules, readable on both sides", async () => {
    const { code, lines, report } = await withChange(
      () => db.sql`update segments_condition set value = 'enterprise' where property = 'plan'`,
      () => db.sql`update segments_condition set value = 'pro' where property = 'plan'`,
    );
    expect(code).toBe(5);
    const [database, files] = [rulesWith("enterprise"), rulesWith("pro")].map((r) => JSON.stringify(r));
    expect(lines).toContain(
      `Would skip segment "pro_users" in project "Drift App" (already exists; differs: rules is ${database} in the database, ${files} in the files).`,
    );
    expect(lines.at(-1)).toBe(summary(1, SKIPPED));
    expect(driftOf(report, "segment", "pro_users")).toEqual([
      { field: "rules", database: rulesWith("enterprise"), files: rulesWith("pro") },
    ]);
  }, 30_000);

  test("a condition the dashboard deleted and re-created with the same content is no drift", async () => {
    const [old] = await db.sql<{ id: number }[]>`select id from segments_condition where property = 'seats'`;
    const { code, report } = await withChange(
      async () => {
        await db.sql`update segments_condition set deleted_at = now() where id = ${old!.id}`;
        await db.sql`insert into segments_condition (operator, property, value, rule_id, uuid, created_with_segment)
                     select operator, property, value, rule_id, gen_random_uuid(), false
                     from segments_condition where id = ${old!.id}`;
      },
      async () => {
        await db.sql`delete from segments_condition where property = 'seats' and id <> ${old!.id}`;
        await db.sql`update segments_condition set deleted_at = null where id = ${old!.id}`;
      },
    );
    expect(report.actions.filter((a) => a.drift)).toEqual([]);
    expect(code).toBe(0);
  }, 30_000);

  test("a rule tree whose parent has a higher id than its children (re-parented) reads as the same tree", async () => {
    const [top] = await db.sql<{ id: number; segment_id: number }[]>`
      select id, segment_id from segments_segmentrule where segment_id is not null and deleted_at is null`;
    let parent = 0;
    const { code, report } = await withChange(
      async () => {
        const [created] = await db.sql<{ id: number }[]>`
          insert into segments_segmentrule (type, segment_id, uuid) values ('ALL', ${top!.segment_id}, gen_random_uuid())
          returning id`;
        parent = created!.id;
        await db.sql`update segments_segmentrule set rule_id = ${parent} where rule_id = ${top!.id}`;
        await db.sql`update segments_segmentrule set deleted_at = now() where id = ${top!.id}`;
      },
      async () => {
        await db.sql`update segments_segmentrule set deleted_at = null where id = ${top!.id}`;
        await db.sql`update segments_segmentrule set rule_id = ${top!.id} where rule_id = ${parent}`;
        await db.sql`delete from segments_segmentrule where id = ${parent}`;
      },
    );
    expect(report.actions.filter((a) => a.drift)).toEqual([]);
    expect(code).toBe(0);
  }, 30_000);

  test("a segment's condition removed shows the stored tree without it", async () => {
    const [old] = await db.sql<{ id: number }[]>`select id from segments_condition where property = 'seats'`;
    const { code, report } = await withChange(
      () => db.sql`update segments_condition set deleted_at = now() where id = ${old!.id}`,
      () => db.sql`update segments_condition set deleted_at = null where id = ${old!.id}`,
    );
    expect(code).toBe(5);
    const [stored] = rulesWith("pro");
    expect(driftOf(report, "segment", "pro_users")).toEqual([
      {
        field: "rules",
        database: [{ ...stored!, rules: [stored!.rules[0]!, { type: "ANY" }] }],
        files: rulesWith("pro"),
      },
    ]);
  }, 30_000);

  test("a tag's colour changed (a hex colour in either case is the same colour) and its description", async () => {
    const { code, lines, report } = await withChange(
      () => db.sql`update tags_tag set color = '#FF9F43', description = 'Growth' where label = 'team'`,
      () => db.sql`update tags_tag set color = '#27AB95', description = 'The team' where label = 'team'`,
    );
    expect(code).toBe(5);
    expect(lines).toContain(
      'Would skip tag "team" to project "Drift App" (already exists; differs: color is "#ff9f43" in the database, "#27ab95" in the files; description is "Growth" in the database, "The team" in the files).',
    );
    expect(lines.at(-1)).toBe(summary(1));
    expect(driftOf(report, "tag", "team")).toEqual([
      { field: "color", database: "#ff9f43", files: "#27ab95" },
      { field: "description", database: "Growth", files: "The team" },
    ]);
  }, 30_000);

  test("fields the files leave out are not compared", async () => {
    const bare = writeYaml(
      "bare.yaml",
      `version: "1.0"
projects:
  - name: Drift App
    organisation: Drift Org
    tags: [{label: team}]
    environments:
      - name: Development
        identities: [{identifier: user-1}]
    segments:
      - name: pro_users
        rules: [{type: ALL, conditions: [{property: plan, operator: EQUAL, value: pro}, {property: seats, operator: IN, value: [5, 10]}]}]
`,
    );
    const { code, report } = await withChange(
      () =>
        db.sql`update environments_environment set description = 'edited', banner_text = 'Careful'
               where name = 'Development'`,
      () =>
        db.sql`update environments_environment set description = 'for developers', banner_text = 'Dev'
               where name = 'Development'`,
      { files: [bare] },
    );
    expect(report.actions.filter((a) => a.drift)).toEqual([]);
    expect(code).toBe(0);
  }, 30_000);

  test("the binary exits 5 on drift with --dry-run --detailed-exitcode, and 0 once it is gone", async () => {
    const binary = ensureBinary();
    const args = [binary, "--file", FILE, "--dry-run", "--detailed-exitcode"];
    const env = { DATABASE_URL: db.url };
    await db.sql`update projects_project set hide_disabled_flags = true where name = 'Drift App'`;
    try {
      const drifted = run(args, { cwd: "/", env });
      expect(drifted.stderr).toBe("");
      expect(drifted.stdout).toContain("differs: hide_disabled_flags is true in the database, false in the files");
      expect(drifted.exitCode).toBe(5);
    } finally {
      await db.sql`update projects_project set hide_disabled_flags = false where name = 'Drift App'`;
    }
    expect(run(args, { cwd: "/", env }).exitCode).toBe(0);
  }, 120_000);
});

describe.if(schemaFile("v2.203.0") !== null)("settings an older Flagsmith has no column for (v2.203.0)", () => {
  test("enforce_feature_owners is not compared where projects_project lacks it; the others still are", async () => {
    const db = await createTestDatabase("v2.203.0");
    try {
      const file = writeYaml(
        "old.yaml",
        `version: "1.0"
organisations: [{name: Old Org}]
projects: [{name: Old App, organisation: Old Org, enforce_feature_owners: true, prevent_flag_defaults: true}]
`,
      );
      await applyRun(db.url, { files: [file] });
      expect((await checkDrift(db.url, { files: [file] })).code).toBe(0);
      await db.sql`update projects_project set prevent_flag_defaults = false`;
      const { code, report } = await checkDrift(db.url, { files: [file] });
      expect(report.actions.find((a) => a.kind === "project")?.drift).toEqual([
        { field: "prevent_flag_defaults", database: false, files: true },
      ]);
      expect(code).toBe(5);
    } finally {
      await db.drop();
    }
  }, 60_000);
});
