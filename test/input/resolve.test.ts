import { describe, expect, test } from "bun:test";
import { UserError, type Issue } from "../../src/errors.ts";
import { emptyExisting, type Desired } from "../../src/kinds/index.ts";
import { diffState } from "../../src/plan/diff.ts";
import { checkPermissionKeys, formatUndeclared, loadDesired } from "../../src/input/index.ts";
import type { Source } from "../../src/input/source.ts";

const V = 'version: "1.0"\n';
const load = (text: string) => loadDesired([{ name: "f.yaml", text: V + text }], {});
function issuesOf(sources: Source[] | string): Issue[] {
  try {
    loadDesired(typeof sources === "string" ? [{ name: "f.yaml", text: V + sources }] : sources, {});
  } catch (error) {
    if (error instanceof UserError) return error.issues;
    throw error;
  }
  throw new Error("expected a UserError");
}

describe("segment rules are stored in the dashboard's shape", () => {
  const rulesOf = (rules: string) =>
    load(`segments:\n  - name: s\n    project: P\n    rules: ${rules}\n`).desired.segments[0]!.rules;
  const c = (property: string) => ({ property, operator: "EQUAL" as const, value: "1", description: null });

  test("ALL with c1, c2 → ALL[ANY[c1], ANY[c2]]", () => {
    expect(
      rulesOf(
        "[{type: ALL, conditions: [{property: a, operator: EQUAL, value: 1}, {property: b, operator: EQUAL, value: 1}]}]",
      ),
    ).toEqual([
      {
        type: "ALL",
        conditions: [],
        rules: [
          { type: "ANY", conditions: [c("a")], rules: [] },
          { type: "ANY", conditions: [c("b")], rules: [] },
        ],
      },
    ]);
  });
  test("ANY with c1, c2 → ALL[ANY[c1, c2]]; NONE → ALL[NONE[…]]", () => {
    const conditions = "[{property: a, operator: EQUAL, value: 1}, {property: b, operator: EQUAL, value: 1}]";
    expect(rulesOf(`[{type: ANY, conditions: ${conditions}}]`)).toEqual([
      { type: "ALL", conditions: [], rules: [{ type: "ANY", conditions: [c("a"), c("b")], rules: [] }] },
    ]);
    expect(rulesOf(`[{type: NONE, conditions: ${conditions}}]`)[0]!.rules[0]!.type).toBe("NONE");
  });
  test("a rule already in dashboard shape stays as it is", () => {
    const written = "[{type: ALL, rules: [{type: ANY, conditions: [{property: a, operator: EQUAL, value: 1}]}]}]";
    expect(rulesOf(written)).toEqual([
      { type: "ALL", conditions: [], rules: [{ type: "ANY", conditions: [c("a")], rules: [] }] },
    ]);
  });
  test("condition values are stored as Flagsmith's API stringifies them", () => {
    const rules = rulesOf(
      "[{type: ALL, conditions: [{property: a, operator: EQUAL, value: true}, {property: b, operator: EQUAL, value: 1.50}," +
        " {property: c, operator: IN, value: [x, 2, false]}, {property: d, operator: IS_SET}]}]",
    );
    expect(rules[0]!.rules.map((r) => r.conditions[0]!.value)).toEqual(["True", "1.50", "x,2,False", null]);
  });
});

describe("resolution", () => {
  test("nested entities are flattened and bound to their project", () => {
    const { desired } = load(
      [
        "projects:",
        "  - name: P",
        "    organisation: O",
        "    environments: [{name: Dev, identities: [{identifier: u1, traits: {age: 42, beta: true, n: 1.0}}], permissions: [{user: A@B.CO, permissions: [VIEW_ENVIRONMENT]}]}]",
        "    features: [{name: f, initial_value: true}, {name: g, initial_value: 1.0}]",
        "environments: [{name: Prod, project: P}]",
        "organisations: [{name: O, groups: [{name: G, members: [x@Y.CO]}], members: [{email: x@y.co}]}]",
      ].join("\n"),
    );
    const ref = { organisation: "O", name: "P" };
    expect(desired.environments.map((e) => [e.name, e.project])).toEqual([
      ["Dev", ref],
      ["Prod", ref],
    ]);
    expect(desired.identities[0]).toMatchObject({
      environment: { project: ref, name: "Dev" },
      identifier: "u1",
      traits: { age: 42, beta: true, n: 1 },
    });
    expect(desired.environmentPermissions[0]).toMatchObject({
      email: "A@b.co",
      permissions: ["VIEW_ENVIRONMENT"],
    });
    // admin not declared: false when created, and not compared with the database.
    expect(desired.environmentPermissions[0]!.admin).toBeUndefined();
    expect(desired.features.map((f) => f.initialValue)).toEqual(["True", "1.0"]);
    expect(desired.groupMembers[0]).toMatchObject({ organisation: "O", group: "G", email: "x@y.co" });
    // No role declared: created as USER, and not compared with the database (drift).
    expect(desired.memberships[0]!.role).toBeUndefined();
  });

  test("a project not declared anywhere stays unbound (must exist in the database), with a warning", () => {
    const { desired, warnings } = load("features: [{name: f, project: Elsewhere}]\n");
    expect(desired.features[0]!.project).toEqual({ organisation: null, name: "Elsewhere" });
    expect(warnings.map(formatUndeclared)).toEqual([
      'f.yaml:2:12: project "Elsewhere" is not declared in these files; it must already exist in the database.',
    ]);
  });

  test("references to the same undeclared entity make one warning, at the first, with the count of the others", () => {
    const { warnings } = load(
      "features: [{name: f, project: Elsewhere}, {name: g, project: Elsewhere}, {name: h, project: Elsewhere}]\n",
    );
    expect(warnings.map(formatUndeclared)).toEqual([
      'f.yaml:2:12: project "Elsewhere" is not declared in these files; it must already exist in the database (2 more references to it).',
    ]);
  });

  test("organisation: picks between projects of the same name", () => {
    const text =
      "projects: [{name: P, organisation: A}, {name: P, organisation: B}]\nfeatures: [{name: f, project: P, organisation: B}]\n";
    expect(load(text).desired.features[0]!.project).toEqual({ organisation: "B", name: "P" });
    const issues = issuesOf(
      "projects: [{name: P, organisation: A}, {name: P, organisation: B}]\nfeatures: [{name: f, project: P}]\n",
    );
    expect(issues).toMatchObject([
      { rule: "ambiguous-project", message: 'project "P" is declared in several organisations: "A", "B"' },
    ]);
  });

  test("identical duplicates merge; conflicting ones name both places", () => {
    const same = load("users: [{email: a@b.co}, {email: a@b.co}]\n").desired.users;
    expect(same).toHaveLength(1);
    const issues = issuesOf([
      { name: "a.yaml", text: V + "users: [{email: a@b.co, first_name: A}]\n" },
      { name: "b.yaml", text: V + "users: [{email: A@B.CO, first_name: B}]\n" },
    ]);
    expect(issues).toMatchObject([{ rule: "conflicting-duplicate", position: { file: "b.yaml", line: 2, column: 9 } }]);
    expect(issues[0]!.message).toContain("a.yaml:2:9");
    expect(issues[0]!.message).not.toContain("A@B.CO"); // field names only, never values
  });

  test("settings are fields of their own: a file declaring the project again without them merges, setting by setting", () => {
    const withSettings =
      "projects: [{name: P, organisation: O, hide_disabled_flags: true, environments: [{name: E, banner_text: Hi}]}]\n";
    const withTag = "projects: [{name: P, organisation: O, tags: [{label: t}], environments: [{name: E}]}]\n";
    const moreSettings =
      "projects: [{name: P, organisation: O, feature_name_regex: '[a-z]+', environments: [{name: E, hide_sensitive_data: true}]}]\n";
    for (const order of [
      [withSettings, withTag, moreSettings],
      [withTag, moreSettings, withSettings],
    ]) {
      const { desired } = loadDesired(
        order.map((text, i) => ({ name: `${i}.yaml`, text: V + text })),
        {},
      );
      expect(desired.projects.map((p) => p.settings)).toEqual([
        { hide_disabled_flags: true, feature_name_regex: "[a-z]+" },
      ]);
      expect(desired.environments.map((e) => e.settings)).toEqual([{ banner_text: "Hi", hide_sensitive_data: true }]);
      expect(desired.tags.map((t) => t.label)).toEqual(["t"]);
    }
    // A setting given twice, differently, is a conflict named as the files name it.
    const issues = issuesOf([
      { name: "a.yaml", text: V + withSettings },
      {
        name: "b.yaml",
        text:
          V +
          "projects: [{name: P, organisation: O, hide_disabled_flags: false, environments: [{name: E, use_identity_composite_key_for_hashing: false}]}]\n",
      },
      {
        name: "c.yaml",
        text:
          V +
          "projects: [{name: P, organisation: O, environments: [{name: E, use_identity_composite_key_for_hashing: true}]}]\n",
      },
    ]);
    expect(issues.map((i) => [i.position!.file, i.message.split(": here")[0]])).toEqual([
      ["b.yaml", "this project is declared twice with different content (hide_disabled_flags)"],
      ["c.yaml", "this environment is declared twice with different content (use_identity_composite_key_for_hashing)"],
    ]);
  });

  test("a feature's environment named again to add an override agrees with the one giving its state", () => {
    const feature = (environment: string) =>
      `features: [{name: f, project: P, multivariate_options: [{value: a, default_percentage_allocation: 10}, {value: b, default_percentage_allocation: 10}], environments: {E: ${environment}}}]\n`;
    const { desired } = loadDesired(
      [
        { name: "a.yaml", text: V + feature("{enabled: true, value: x, multivariate: {a: 5}}") },
        { name: "b.yaml", text: V + feature("{multivariate: {b: 7}, segment_overrides: [{segment: s}]}") },
        { name: "c.yaml", text: V + feature("{identity_overrides: [{identifier: i}]}") },
      ],
      {},
    );
    expect(desired.featureStates).toHaveLength(1);
    expect(desired.featureStates[0]).toMatchObject({ enabled: true, value: "x", multivariate: { a: 5, b: 7 } });
    expect(Object.keys(desired.featureStates[0]!.multivariateAt!)).toEqual(["b", "a"]);
    expect(desired.segmentOverrides.map((o) => o.segment)).toEqual(["s"]);
    expect(desired.identityOverrides.map((o) => o.identifier)).toEqual(["i"]);
    // Not declared stays undeclared: the state keeps what the feature gives it.
    const { desired: plain } = loadDesired([{ name: "a.yaml", text: V + feature("{}") }], {});
    expect(plain.featureStates[0]!.enabled).toBeUndefined();
    expect(plain.featureStates[0]!.value).toBeUndefined();
    // An allocation given twice, differently, is a conflict naming the option.
    const issues = issuesOf([
      { name: "a.yaml", text: V + feature("{multivariate: {a: 5}}") },
      { name: "b.yaml", text: V + feature("{multivariate: {a: 6, b: 1}}") },
    ]);
    expect(issues.map((i) => i.message.split(": here")[0])).toEqual([
      "this feature state is declared twice with different content (multivariate.a)",
    ]);
  });

  test("an override named again in another file without its value or enabled merges with the one giving them", () => {
    const feature = (overrides: string) => `features: [{name: f, project: P, environments: {E: {${overrides}}}}]\n`;
    const { desired } = loadDesired(
      [
        {
          name: "a.yaml",
          text:
            V +
            feature(
              "segment_overrides: [{segment: s, enabled: true, value: x}], identity_overrides: [{identifier: i, value: y}]",
            ),
        },
        {
          name: "b.yaml",
          text: V + feature("segment_overrides: [{segment: s}], identity_overrides: [{identifier: i}]"),
        },
      ],
      {},
    );
    expect(desired.segmentOverrides).toHaveLength(1);
    expect(desired.segmentOverrides[0]).toMatchObject({ segment: "s", enabled: true, value: "x" });
    expect(desired.identityOverrides).toHaveLength(1);
    expect(desired.identityOverrides[0]).toMatchObject({ identifier: "i", value: "y" });
    // Two different values are still a conflict.
    const issues = issuesOf([
      { name: "a.yaml", text: V + feature("segment_overrides: [{segment: s, value: x}]") },
      { name: "b.yaml", text: V + feature("segment_overrides: [{segment: s, value: z}]") },
    ]);
    expect(issues.map((i) => i.message.split(": here")[0])).toEqual([
      "this segment override is declared twice with different content (value)",
    ]);
  });

  test("a conflict names the fields as the files name them", () => {
    const option = (allocation: number) =>
      `features: [{name: f, project: P, multivariate_options: [{value: a, default_percentage_allocation: ${allocation}}]}]\n`;
    const issues = issuesOf([
      { name: "a.yaml", text: V + option(10) },
      { name: "b.yaml", text: V + option(20) },
    ]);
    expect(issues.map((i) => i.message.split(": here")[0])).toEqual([
      "this multivariate option is declared twice with different content (default_percentage_allocation)",
    ]);
  });

  test("show_key resolves on nested and top-level environments, false unless asked", () => {
    const { desired } = load(
      [
        "projects: [{name: P, organisation: O, environments: [{name: A, show_key: true}, {name: B}]}]",
        'environments: [{name: C, project: P, show_key: "true"}, {name: D, project: P, show_key: false}]',
      ].join("\n"),
    );
    expect(desired.environments.map((e) => [e.name, e.showKey])).toEqual([
      ["A", true],
      ["B", false],
      ["C", true],
      ["D", false],
    ]);
    expect(issuesOf("environments: [{name: E, project: P, show_key: maybe}]\n")).toMatchObject([
      {
        rule: "wrong-type",
        message: '"show_key" must be true or false, got "maybe"',
        position: { line: 2, column: 48 },
      },
    ]);
  });

  test("show_key is how a creation is reported, not content: a file adding it merges with one without, in any order", () => {
    const plain = "projects: [{name: P, organisation: O, environments: [{name: Prod, description: d}]}]\n";
    const asking =
      "projects: [{name: P, organisation: O, environments: [{name: Prod, description: d, show_key: true}]}]\n";
    for (const order of [
      [plain, asking, plain],
      [asking, plain],
    ]) {
      const { desired } = loadDesired(
        order.map((text, i) => ({ name: `${i}.yaml`, text: V + text })),
        {},
      );
      expect(desired.environments.map((e) => [e.name, e.showKey])).toEqual([["Prod", true]]);
    }
    // Content still conflicts, whatever show_key says.
    const issues = issuesOf([
      { name: "a.yaml", text: V + asking },
      { name: "b.yaml", text: V + asking.replace("description: d", "description: other") },
    ]);
    expect(issues).toMatchObject([{ rule: "conflicting-duplicate" }]);
    expect(issues[0]!.message).toContain("(description)");
  });

  test("a user's password and password_hash map to UserPassword", () => {
    const { desired } = load(
      "users: [{email: a@b.co, password: x}, {email: c@d.co, password_hash: '!unusable'}, {email: e@f.co}]\n",
    );
    expect(desired.users.map((u) => u.password)).toEqual([
      { kind: "plain", value: "x" },
      { kind: "hash", value: "!unusable" },
      { kind: "unusable" },
    ]);
  });

  test("several problems in several files are all reported, sorted by place", () => {
    const issues = issuesOf([
      { name: "b.yaml", text: V + "users: [{email: nope}]\norganisations: [{nme: O}]\n" },
      { name: "a.yaml", text: 'version: "2"\n' },
    ]);
    expect(issues.map((i) => `${i.position!.file}:${i.position!.line} ${i.rule}`)).toEqual([
      "a.yaml:1 unsupported-version",
      "b.yaml:2 invalid-email",
      "b.yaml:3 missing-field",
      "b.yaml:3 unknown-key",
    ]);
  });
});

describe("YAML conveniences", () => {
  test("x- keys hold anchors and merge keys reuse them", () => {
    const text =
      'version: "1.0"\nx-defaults: &d {project: Web, default_enabled: true}\nfeatures:\n  - <<: *d\n    name: a\n';
    const { desired } = loadDesired([{ name: "f.yaml", text }], {});
    expect(desired.features[0]).toMatchObject({ name: "a", defaultEnabled: true, project: { name: "Web" } });
  });

  test("an unquoted version: 1.0 is refused, as the JSON Schema refuses it (a number, not text)", () => {
    for (const text of ["version: 1.0\n", "version: 1\n", "version: 1.10\n"]) {
      expect(() => loadDesired([{ name: "f.yaml", text }], {})).toThrow(
        /^f\.yaml:1:10: error: version must be text; (1|1\.0|1\.10) unquoted is a number\n {2}hint: write version: "1\.0" \(quoted\)$/,
      );
    }
  });
});

describe("checkPermissionKeys takes the valid keys from the caller (e.g. the target database)", () => {
  const { desired } = load(
    "organisations: [{name: O, permissions: [{user: a@b.co, permissions: [CUSTOM_KEY]}]}]\n".replace(
      "CUSTOM_KEY",
      "CREATE_PROJECT",
    ),
  );
  test("accepts keys the database knows", () => {
    expect(checkPermissionKeys(desired, { organisation: ["CREATE_PROJECT"], project: [], environment: [] })).toEqual(
      [],
    );
    const rejected = checkPermissionKeys(desired, { organisation: ["OTHER"], project: [], environment: [] });
    expect(rejected).toMatchObject([{ rule: "unknown-permission-key", hint: "valid here: OTHER" }]);
  });
  test("loadDesired can skip the offline list", () => {
    const text = V + "organisations: [{name: O, permissions: [{user: a@b.co, permissions: [RBAC_ONLY]}]}]\n";
    expect(() => loadDesired([{ name: "f.yaml", text }], {})).toThrow(UserError);
    expect(
      loadDesired([{ name: "f.yaml", text }], {}, { permissionKeys: null }).desired.organisationPermissions,
    ).toHaveLength(1);
  });
});

describe("file order does not matter", () => {
  const files: Source[] = [
    {
      name: "users.yaml",
      text:
        V +
        "users: [{email: b@x.co}, {email: a@x.co}]\norganisations: [{name: O, members: [{email: a@x.co, role: ADMIN}]}]\n",
    },
    {
      name: "projects.yaml",
      text:
        V +
        "projects: [{name: P, organisation: O, environments: [{name: Dev}, {name: Prod}]}]\nfeatures: [{name: late, project: P}]\n",
    },
    {
      name: "more.yaml",
      text:
        V +
        "environments: [{name: QA, project: P}]\nfeatures: [{name: early, project: P}]\nusers: [{email: a@x.co}]\nsegments: [{name: s, project: P, rules: [{type: ALL, conditions: [{property: a, operator: IS_SET}]}]}]\n",
    },
  ];
  const permutations = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const withoutSources = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value, (key, v) => (key === "source" ? undefined : v)));
  const planOf = (desired: Desired) => withoutSources(diffState(desired, emptyExisting(false)));

  test("every permutation of the same three files gives the same Desired and the same plan", () => {
    const results = permutations.map(
      (order) =>
        loadDesired(
          order.map((i) => files[i]!),
          {},
        ).desired,
    );
    for (const desired of results) {
      expect(desired).toEqual(results[0]!);
      expect(planOf(desired)).toEqual(planOf(results[0]!));
    }
    expect(results[0]!.environments.map((e) => e.name)).toEqual(["QA", "Dev", "Prod"]); // files in name order: more, projects, users
  });
});
