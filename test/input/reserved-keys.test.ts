import { describe, expect, test } from "bun:test";
import { stringify } from "yaml";
import { UserError } from "../../src/errors.ts";
import { loadDesired } from "../../src/input/index.ts";
import { parseFast } from "../../src/input/yaml-fast.ts";

/** A valid file with every kind of mapping the format has (each level a key can be written at). */
const FULL = {
  version: "1.0",
  app_domain: "flagsmith.example.com",
  users: [{ email: "a@b.co" }],
  organisations: [
    {
      name: "O",
      subscription: { seats: 2 },
      members: [{ email: "a@b.co" }],
      groups: [{ name: "G", members: ["a@b.co"] }],
      permissions: [{ user: "a@b.co", permissions: ["CREATE_PROJECT"] }],
    },
  ],
  master_api_keys: [{ name: "k", organisation: "O" }],
  projects: [
    {
      name: "P",
      organisation: "O",
      permissions: [{ user: "a@b.co", permissions: ["VIEW_PROJECT"] }],
      environments: [
        {
          name: "E",
          permissions: [{ user: "a@b.co", permissions: ["VIEW_ENVIRONMENT"] }],
          identities: [{ identifier: "i", traits: { t: 1 } }],
        },
      ],
      features: [{ name: "f" }],
      segments: [
        {
          name: "s",
          rules: [
            { type: "ALL", rules: [{ type: "ANY", conditions: [{ property: "p", operator: "EQUAL", value: "v" }] }] },
          ],
        },
      ],
    },
  ],
  environments: [{ name: "E2", project: "P", identities: [{ identifier: "j", traits: { u: "x" } }] }],
  features: [{ name: "f2", project: "P" }],
  segments: [
    { name: "s2", project: "P", rules: [{ type: "ALL", conditions: [{ property: "q", operator: "IS_SET" }] }] },
  ],
};

type Path = (string | number)[];

/** Every path of a mapping in `value`. */
function mappings(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => mappings(item, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  return [path, ...Object.entries(value).flatMap(([key, item]) => mappings(item, [...path, key]))];
}

/** FULL with `key` added to the mapping at `path`, holding something that would make a superuser if it were read. */
function withKey(path: Path, key: string): unknown {
  const copy = structuredClone(FULL);
  let node: any = copy;
  for (const step of path) node = node[step];
  Object.defineProperty(node, key, {
    value: { is_superuser: true, seats: 3000000000 },
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

const RESERVED = ["__proto__", "constructor", "prototype"];
const levels = mappings(FULL);

test("the file used covers every level", () => {
  expect(() => loadDesired([{ name: "full.yaml", text: stringify(FULL) }], {})).not.toThrow();
  expect(levels.length).toBeGreaterThanOrEqual(25);
});

// Both readers: the fast path (plain YAML) and the `yaml` library (taken for anchors: an unused one forces it).
for (const reader of ["fast", "yaml"] as const) {
  describe(`${reader} reader: __proto__, constructor and prototype are errors at every level`, () => {
    for (const key of RESERVED) {
      test.each(levels.map((path) => [path.join(".") || "(top level)", path] as const))(`${key} in %s`, (_, path) => {
        const plain = stringify(withKey(path, key));
        const text = reader === "fast" ? plain : `x-unused: &unused 1\n${plain}`;
        expect(parseFast(text) !== null).toBe(reader === "fast");
        let error: unknown;
        try {
          loadDesired([{ name: "f.yaml", text }], {});
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(UserError);
        const issues = (error as UserError).issues;
        const inTraits = path[path.length - 1] === "traits";
        // Exactly the key: nothing under it was read (no superuser, no range check of its seats).
        expect(issues.map((i) => i.rule)).toEqual([inTraits ? "reserved-key" : "unknown-key"]);
        expect(issues[0]!.message).toContain(`"${key}"`);
        const lines = text.split("\n");
        const line = lines.findIndex((l) => new RegExp(`^\\s*(- )?${key}:`).test(l)) + 1;
        expect(issues[0]!.position).toEqual({ file: "f.yaml", line, column: lines[line - 1]!.indexOf(key) + 1 });
      });
    }
  });
}
