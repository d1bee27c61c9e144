import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { checkCompatibility, checkLengths, type Compatibility } from "../../src/flagsmith/compat.ts";
import { emptyDesired, type Desired } from "../../src/kinds/index.ts";
import { loadDesired } from "../../src/input/index.ts";
import { checkValueLengths, FLAGSMITH_LENGTHS } from "../../src/kinds/limits.ts";
import { createTestDatabase, schemaFile, type TestDatabase } from "../helpers/database.ts";

// Creating databases from templates can take seconds while other suites hammer the server.
setDefaultTimeout(30_000);

const at = (line: number) => ({ file: "provisioning/keys.yaml", line, column: 3 });

function compatWith(limits: Record<string, number>): Compatibility {
  return {
    limits: new Map(Object.entries(limits)),
    permissionKeys: { organisation: [], project: [], environment: [] },
    description: "test",
    present: new Set(),
  };
}

function withKeys(...names: string[]): Desired {
  const d = emptyDesired();
  d.masterApiKeys = names.map((name, i) => ({
    organisation: "Acme",
    name,
    isAdmin: true,
    key: null,
    source: at(i + 1),
  }));
  return d;
}

describe("checkLengths", () => {
  const compat = compatWith({ "api_keys_masterapikey.name": 50 });

  test("a 51-character master API key name is an input error at the key's position", () => {
    const issues = checkLengths(withKeys("k".repeat(50), "k".repeat(51)), compat);
    expect(issues).toEqual([
      {
        rule: "value-too-long",
        message: `master API key "${"k".repeat(51)}" name is 51 characters long; Flagsmith stores it in api_keys_masterapikey.name, which holds at most 50`,
        position: at(2),
        hint: "shorten it to 50 characters or fewer",
      },
    ]);
  });

  test("counts characters as PostgreSQL does (code points, not UTF-16 units)", () => {
    expect(checkLengths(withKeys("🚀".repeat(50)), compat)).toEqual([]);
    expect(checkLengths(withKeys("🚀".repeat(51)), compat)).toHaveLength(1);
  });

  test("a column whose length is unknown (text, or not in the database) is not checked", () => {
    expect(checkLengths(withKeys("k".repeat(500)), compatWith({}))).toEqual([]);
  });

  test("a value stored in two columns is held to the tighter one, and nested conditions are checked", () => {
    const d = emptyDesired();
    const project = { organisation: "Acme", name: "Web" };
    d.features = [
      {
        project,
        name: "f",
        description: null,
        defaultEnabled: false,
        initialValue: "x".repeat(11),
        isServerKeyOnly: false,
        source: at(7),
      },
    ];
    d.segments = [
      {
        project,
        name: "s",
        description: null,
        source: at(9),
        rules: [
          {
            type: "ALL",
            conditions: [],
            rules: [
              {
                type: "ANY",
                rules: [],
                conditions: [{ property: "p".repeat(6), operator: "EQUAL", value: "v", description: null }],
              },
            ],
          },
        ],
      },
    ];
    const issues = checkLengths(
      d,
      compatWith({
        "features_feature.initial_value": 20,
        "features_featurestatevalue.string_value": 10,
        "segments_condition.property": 5,
      }),
    );
    expect(issues.map((i) => [i.message, i.position?.line])).toEqual([
      [
        `segment "s" condition property is 6 characters long; Flagsmith stores it in segments_condition.property, which holds at most 5`,
        9,
      ],
      [
        `feature "f" initial_value is 11 characters long; Flagsmith stores it in features_featurestatevalue.string_value, which holds at most 10`,
        7,
      ],
    ]);
  });
});

describe("checkLengths with limits read from the fixture database", () => {
  let db: TestDatabase;
  let compat: Compatibility;
  beforeAll(async () => {
    db = await createTestDatabase("fixture");
    compat = await checkCompatibility(db.sql);
  });
  afterAll(() => db.drop());

  test("users, organisations, groups, identities, traits and app_domain", () => {
    const d = emptyDesired();
    d.appDomain = { value: "d".repeat(101), source: at(1) };
    d.users = [
      {
        email: "a".repeat(250) + "@x.io",
        isSuperuser: false,
        firstName: "",
        lastName: "",
        username: null,
        password: { kind: "unusable" },
        source: at(2),
      },
    ];
    d.organisations = [{ name: "Acme", subscription: { plan: "p".repeat(101) }, source: at(3) }];
    d.groups = [{ organisation: "Acme", name: "g".repeat(201), isDefault: false, source: at(4) }];
    d.identities = [
      {
        environment: { project: { organisation: "Acme", name: "Web" }, name: "Dev" },
        identifier: "someone",
        traits: { ["t".repeat(201)]: 1, plan: "v".repeat(2001), ok: true },
        source: at(5),
      },
    ];
    expect(checkLengths(d, compat).map((i) => `${i.position?.line} ${i.message.split(";")[0]}`)).toEqual([
      "1 app_domain is 101 characters long",
      `2 user "${"a".repeat(250)}@x.io" email is 255 characters long`,
      `3 organisation "Acme" subscription plan is 101 characters long`,
      `4 group "${"g".repeat(201)}" name is 201 characters long`,
      `5 identity "someone" trait key is 201 characters long`,
      `5 identity "someone" trait "plan" value is 2001 characters long`,
    ]);
  });
});

/** Every text the files can give, 20,001 characters long (longer than any column), in one loaded Desired. */
function everythingLong(): Desired {
  const x = "x".repeat(20_001);
  const text = `version: "1.0"
app_domain: ${"d".repeat(20_001)}
users: [{email: a@${x}, first_name: ${x}, last_name: ${x}, username: ${x}, password_hash: "pbkdf2_sha256$1000000$${x}$${"A".repeat(43)}="}]
organisations:
  - name: ${x}
    subscription: {plan: ${x}, subscription_id: ${x}}
    groups: [{name: ${x}}]
master_api_keys: [{name: ${x}, organisation: ${x}}]
projects:
  - name: ${x}
    organisation: ${x}
    feature_name_regex: ${x}
    tags: [{label: ${x}, color: ${x}, description: ${x}}]
    environments: [{name: ${x}, banner_text: ${x}, banner_colour: ${x}, identities: [{identifier: ${x}, traits: {${x}: ${x}}}]}]
    features: [{name: ${x}, initial_value: ${x}, multivariate_options: [{value: ${x}, default_percentage_allocation: 10}]}]
    segments: [{name: ${x}, rules: [{type: ALL, conditions: [{property: ${x}, operator: EQUAL, value: ${x}}]}]}]
`;
  return loadDesired([{ name: "long.yaml", text }], {}, { lengths: null }).desired;
}

describe("the lengths used offline (FLAGSMITH_LENGTHS)", () => {
  test("cover every column a value is checked against", () => {
    const issues = checkValueLengths(everythingLong(), FLAGSMITH_LENGTHS);
    const columns = new Set(issues.map((i) => /stores it in (\S+),/.exec(i.message)![1]));
    // An initial value goes to two columns of the same length: the message names the first.
    expect([...columns].sort()).toEqual(
      [...FLAGSMITH_LENGTHS.keys()].filter((c) => c !== "features_featurestatevalue.string_value").sort(),
    );
  });

  test.skipIf(schemaFile("v2.265.0") === null)("are those of the real v2.265.0 dump", async () => {
    const db = await createTestDatabase("v2.265.0");
    try {
      const compat = await checkCompatibility(db.sql);
      expect(new Map([...FLAGSMITH_LENGTHS.keys()].map((c) => [c, compat.limits.get(c)]))).toEqual(
        new Map(FLAGSMITH_LENGTHS),
      );
      // And no other column a value goes to has a length there that the table lacks.
      const desired = everythingLong();
      expect(checkValueLengths(desired, FLAGSMITH_LENGTHS)).toEqual(checkLengths(desired, compat));
    } finally {
      await db.drop();
    }
  });
});
