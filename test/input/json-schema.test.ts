import { describe, expect, test } from "bun:test";
import Ajv from "ajv";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { fileJsonSchema } from "../../src/input/index.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures");
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(fileJsonSchema());
const read = (path: string) => parse(readFileSync(path, "utf8"));

describe("the JSON Schema of the file format (flagsmith-provision schema)", () => {
  test("is draft-07 and compiles in strict mode", () => {
    expect(fileJsonSchema().$schema).toBe("http://json-schema.org/draft-07/schema#");
  });

  const valid = join(FIXTURES, "valid");
  for (const name of readdirSync(valid).sort()) {
    test(`accepts valid/${name} as written (before interpolation)`, () => {
      const ok = validate(read(join(valid, name)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });
  }

  test("allows top-level x- keys (anchors), like the loader", () => {
    expect(validate({ version: "1.0", "x-defaults": { a: 1 } })).toBe(true);
  });

  test("documents show_key on environments, nested and top level, for editors", () => {
    const schema = fileJsonSchema() as any;
    const nested = schema.properties.projects.anyOf[0].items.properties.environments.anyOf[0].items.properties.show_key;
    const top = schema.properties.environments.anyOf[0].items.properties.show_key;
    for (const property of [nested, top]) expect(property.description).toContain("client-side API key");
    expect(validate({ version: "1.0", environments: [{ name: "E", project: "P", show_key: true }] })).toBe(true);
    expect(validate({ version: "1.0", environments: [{ name: "E", project: "P", show_key: 1 }] })).toBe(false);
  });

  // Mistakes a JSON Schema can see: shape and types (not cross-file rules, formats or interpolated values).
  const rejected: Record<string, string> = {
    "unknown-key.yaml": "additionalProperties",
    "unknown-top-level-key.yaml": "additionalProperties",
    "unknown-nested-key.yaml": "additionalProperties",
    "wrong-type-members-not-list.yaml": "type",
    "wrong-type-users-not-list.yaml": "type",
    "wrong-type-is-superuser.yaml": "type",
    "wrong-type-trait-value.yaml": "type",
    "bad-operator.yaml": "enum",
    "missing-field-name.yaml": "required",
    "unsupported-version.yaml": "enum",
  };
  for (const [name, keyword] of Object.entries(rejected)) {
    test(`rejects invalid/${name} (${keyword})`, () => {
      expect(validate(read(join(FIXTURES, "invalid", name)))).toBe(false);
      expect(validate.errors!.map((e) => e.keyword)).toContain(keyword);
    });
  }
});
