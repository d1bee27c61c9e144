import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INTERPOLATED } from "../../src/input/json-form.ts";
import { interpolateString } from "../../src/input/interpolate.ts";
import { OPERATORS } from "../../src/kinds/index.ts";
import { schemaAccepts, schemaErrors, toolAccepts } from "../helpers/json-schema.ts";

/**
 * Value by value, the JSON Schema says what the tool says: each value is put in a file that is valid but for it,
 * and the tool (`validate`, offline, no variables set) and the schema judge the same file. Values come from seeds
 * (what each field takes, at its edges) and their mutations, and from random text. A value holding `${…}` or
 * `$__file{…}` is only known at run time: the schema takes it as written when its syntax is right, and refuses it
 * when it is not, as the tool does.
 */
const baseDir = mkdtempSync(join(tmpdir(), "fsp-schema-fields-"));

/** A deterministic stream of numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  ..."09aZé-_.:@|,{}$ t\tx+/=!",
  "\u00a0",
  "\u3000",
  "\0",
  "\ud800",
  "😀",
  "${",
  "$$",
  "${A}",
  ":semver",
];
function variations(seeds: readonly string[], count: number, seed: number): string[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const out = new Set<string>(seeds);
  while (out.size < seeds.length + count) {
    const base = next() < 0.7 && seeds.length ? pick(seeds) : "";
    const chars = [...base];
    const edits = 1 + Math.floor(next() * 3);
    for (let i = 0; i < edits; i++) {
      const at = Math.floor(next() * (chars.length + 1));
      const op = next();
      if (op < 0.4) chars.splice(at, 0, pick(ALPHABET));
      else if (op < 0.7) chars.splice(at, 1);
      else chars.splice(at, 1, pick(ALPHABET));
    }
    out.add(chars.join(""));
  }
  return [...out];
}

// Numbers as JSON writes them: the schema sees a number's value, the tool the text it is written as (`1e+21` is no
// host, `1e21` is), so numbers written otherwise are beyond the schema.
const SCALARS: unknown[] = [null, true, false, 0, 1, -1, 1.5, 20, 100, 2147483647, 2147483648, 9007199254740991];
const INTERPOLATIONS = [
  "${A}",
  "${A:true}",
  "${A:-20}",
  "${A:x}y",
  "$__file{secret}",
  "${1A}",
  "${A",
  "$${A}",
  "$$__file{x}",
  "$__file{ }",
];

interface Field {
  name: string;
  file: (value: unknown) => Record<string, unknown>;
  seeds: string[];
  /** What the tool checks here that a JSON Schema cannot: then it only never refuses what the tool takes. */
  beyond?: string;
}

const org = (extra: Record<string, unknown>) => ({ version: "1.0", organisations: [{ name: "Acme", ...extra }] });
const segment = (condition: Record<string, unknown>, rules?: unknown) => ({
  version: "1.0",
  projects: [{ name: "Web", organisation: "Acme" }],
  segments: [{ name: "s", project: "Web", rules: rules ?? [{ type: "ALL", conditions: [condition] }] }],
});
const HASH = "pbkdf2_sha256$1000000$salt$aGFzaA==";

const FIELDS: Field[] = [
  { name: "version", file: (v) => ({ version: v }), seeds: ["1.0", "2.0", "1", "1.0 "] },
  {
    name: "app_domain",
    file: (v) => ({ version: "1.0", app_domain: v }),
    seeds: ["flags.example.com", "localhost:8000", "a:65535", "a:65536", "a:0", "a:00080", "[::1]:443", "x_y.é", "-a"],
  },
  {
    name: "is_superuser (bool)",
    file: (v) => ({ version: "1.0", users: [{ email: "a@b.c", is_superuser: v }] }),
    seeds: ["true", "false", "yes", "True", " true"],
  },
  {
    name: "seats (count)",
    file: (v) => org({ subscription: { seats: v } }),
    seeds: ["20", " 20 ", "0020", "2147483647", "2147483648", "-5", "1.0", "\u00a020"],
  },
  {
    name: "max_api_calls (bigint count)",
    file: (v) => org({ subscription: { max_api_calls: v } }),
    seeds: ["9007199254740991", "9007199254740992", "09007199254740991", "50000"],
  },
  {
    name: "email",
    file: (v) => ({ version: "1.0", users: [{ email: v }] }),
    seeds: ["a@b.c", " a@b.c ", "a@@b", "a b@c", "@b", "a@", "a@b@c"],
  },
  { name: "name (not empty)", file: (v) => org({ name: v }), seeds: ["Acme", " ", "", "\u3000", "x"] },
  {
    name: "key (master API key)",
    file: (v) => ({ ...org({}), master_api_keys: [{ name: "CI", organisation: "Acme", key: v }] }),
    seeds: ["abcd1234.0123456789abcdefghijABCDEFGHIJ01", "abcd1234.0123456789abcdefghijABCDEFGHIJ0"],
  },
  {
    name: "password_hash",
    file: (v) => ({ version: "1.0", users: [{ email: "a@b.c", password_hash: v }] }),
    seeds: [HASH, "md5$x$y", "!unusable", "bcrypt_sha256$$2b$12$" + "a".repeat(53), "scrypt$16384$salt$8$1$aGFzaA=="],
  },
  {
    name: "role (a choice)",
    file: (v) => org({ members: [{ email: "a@b.c", role: v }] }),
    seeds: ["ADMIN", "USER", "admin", "ADMN"],
  },
  {
    name: "organisation permission key",
    file: (v) => ({ ...org({ permissions: [{ user: "a@b.c", permissions: [v] }] }), users: [{ email: "a@b.c" }] }),
    seeds: ["CREATE_PROJECT", "MANAGE_USER_GROUPS", "VIEW_PROJECT", "CREATE_PROJECTS"],
  },
  {
    name: "trait value",
    file: (v) => ({
      ...org({}),
      projects: [{ name: "Web", organisation: "Acme" }],
      environments: [{ name: "Dev", project: "Web", identities: [{ identifier: "u", traits: { plan: v } }] }],
    }),
    seeds: ["pro", "x".repeat(2000), "x".repeat(2001)],
  },
  {
    name: "feature name (its column's length)",
    file: (v) => ({
      ...org({}),
      projects: [{ name: "Web", organisation: "Acme" }],
      features: [{ name: v, project: "Web" }],
    }),
    seeds: ["f".repeat(2000), "f".repeat(2001), "é".repeat(2000) + "😀", "$${" + "f".repeat(1998)],
  },
  ...OPERATORS.map((operator) => ({
    name: `condition value for ${operator}`,
    file: (v: unknown) => segment({ property: "p", operator, ...(v === undefined ? {} : { value: v }) }),
    seeds: [
      "beta",
      "",
      "2|0",
      "0|1",
      "-0.0|1",
      "3|1|2",
      "2|x",
      "25",
      "100",
      "100.5",
      "-0",
      "-1",
      "050",
      "1.2.3:semver",
      "1.2:semver",
      "a,b",
      "([",
    ],
    ...(operator === "REGEX" && { beyond: "whether the regular expression compiles" }),
  })),
];

/** The tool's and the schema's verdicts on one file. */
function verdicts(file: Record<string, unknown>) {
  const text = JSON.stringify(file);
  const source = { name: "t.yaml", text, baseDir };
  return { tool: toolAccepts([source]), schema: schemaAccepts(JSON.parse(text)), errors: schemaErrors() };
}

/** A text with a real `${…}`/`$__file{…}`: whether its syntax is right and it holds no NUL or lone surrogate. */
function wellFormed(value: string): boolean {
  const { problems } = interpolateString(value, { env: {}, baseDir, readFile: () => "" });
  return !problems.some((p) => p.rule === "bad-interpolation") && !value.includes("\0") && value.isWellFormed();
}

describe("the JSON Schema and the tool agree value by value", () => {
  FIELDS.forEach((field, i) => {
    test(field.name, () => {
      const values: unknown[] = [
        undefined,
        ...SCALARS,
        [],
        {},
        ["x"],
        ...INTERPOLATIONS,
        ...variations(field.seeds, 300, i + 1),
      ];
      const disagreements: string[] = [];
      for (const value of values) {
        const { tool, schema, errors } = verdicts(field.file(value));
        const runTime = typeof value === "string" && new RegExp(INTERPOLATED).test(value);
        // At run time the value may turn out wrong: the schema cannot know, but it never refuses what the tool takes.
        const expected = runTime
          ? tool || wellFormed(value)
            ? undefined
            : false
          : field.beyond && !tool
            ? undefined
            : tool;
        if ((runTime || field.beyond) && tool && !schema)
          disagreements.push(`${JSON.stringify(value)}: the tool takes it, the schema not (${errors})`);
        if (expected !== undefined && schema !== expected)
          disagreements.push(
            `${JSON.stringify(value)}: tool ${tool ? "takes" : "refuses"} it, schema ${schema ? "takes" : "refuses"} it (${errors})`,
          );
      }
      expect(disagreements).toEqual([]);
    });
  });

  test("segment rules nest as deep as Flagsmith allows, and need one", () => {
    const leaf = { type: "ANY", conditions: [{ property: "p", operator: "EQUAL", value: "x" }] };
    const cases: [unknown, boolean][] = [
      [[], false],
      [[leaf], true],
      [[{ type: "ALL", rules: [leaf] }], true],
      [[{ type: "ALL", rules: [{ ...leaf, rules: [leaf] }] }], false],
      [[{ type: "ANY", rules: [leaf] }], false],
      [[{ type: "NONE", rules: [] }], true],
      [[{ type: "${T}", rules: [leaf] }], true],
      [[{ type: "${T}", rules: [{ ...leaf, rules: [leaf] }] }], false],
    ];
    for (const [rules, accepted] of cases) {
      const { tool, schema } = verdicts(segment({}, rules));
      if (!JSON.stringify(rules).includes("${")) expect(tool).toBe(accepted);
      expect(schema).toBe(accepted);
    }
  });

  test("a user has password or password_hash, not both (null counts as absent)", () => {
    for (const [password, hash, accepted] of [
      ["x", HASH, false],
      ["x", null, true],
      [null, HASH, true],
      [undefined, HASH, true],
    ] as const) {
      const file = { version: "1.0", users: [{ email: "a@b.c", password, password_hash: hash }] };
      expect(verdicts(file)).toMatchObject({ tool: accepted, schema: accepted });
    }
  });
});
