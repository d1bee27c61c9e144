import { describe, expect, test } from "bun:test";
import { schemaCommand } from "../../src/commands/schema.ts";
import { fileJsonSchema } from "../../src/input/index.ts";
import type { Io } from "../../src/io.ts";
import { compile, schemaAccepts } from "../helpers/json-schema.ts";

/** What `flagsmith-provision schema` prints, parsed. */
function printedSchema(): any {
  const lines: string[] = [];
  const io: Io = { env: {}, cwd: "/", out: (line) => lines.push(line), err: () => {}, color: false };
  schemaCommand(io);
  return JSON.parse(lines.join("\n"));
}

/** Keywords whose subschemas constrain values already declared elsewhere, rather than declare fields. */
const CONSTRAINTS = new Set(["if", "then", "else", "not", "allOf", "propertyNames"]);

/** Every declared property (path) without a description, anywhere in `node`. */
function undocumented(node: unknown, path = "#"): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => undocumented(item, `${path}/${i}`));
  if (node === null || typeof node !== "object") return [];
  const missing: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (CONSTRAINTS.has(key)) continue;
    if (key === "properties" || key === "patternProperties") {
      for (const [name, property] of Object.entries(value as Record<string, any>)) {
        const description = property?.description;
        if (typeof description !== "string" || description.trim().length < 10) missing.push(`${path}/${key}/${name}`);
        missing.push(...undocumented(property, `${path}/${key}/${name}`));
      }
    } else missing.push(...undocumented(value, `${path}/${key}`));
  }
  return missing;
}

describe("the JSON Schema of the file format (flagsmith-provision schema)", () => {
  test("is draft-07, identified, and compiles in ajv's strict mode", () => {
    const schema = printedSchema();
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.$id).toBe("urn:flagsmith-provision:provisioning-file:1.0");
    expect(() => compile(schema)).not.toThrow();
  });

  test("every property has a description, so no field is added undocumented", () => {
    const schema = printedSchema();
    expect(undocumented(schema)).toEqual([]);
    // The walk does reach the nested fields and the recursive segment rule.
    const user = schema.properties.users.anyOf[0].items.properties;
    expect(user.is_superuser.description).toContain("superuser");
    expect(schema.definitions.segmentRule.properties.conditions.description).toBeString();
    expect(undocumented({ properties: { a: { description: "A field, documented." }, b: { type: "string" } } })).toEqual(
      ["#/properties/b"],
    );
  });

  test("documents show_key on environments, nested and top level, for editors", () => {
    const schema = fileJsonSchema() as any;
    const nested = schema.properties.projects.anyOf[0].items.properties.environments.anyOf[0].items.properties.show_key;
    const top = schema.properties.environments.anyOf[0].items.properties.show_key;
    for (const property of [nested, top]) expect(property.description).toContain("client-side API key");
    expect(schemaAccepts({ version: "1.0", environments: [{ name: "E", project: "P", show_key: true }] })).toBe(true);
    expect(schemaAccepts({ version: "1.0", environments: [{ name: "E", project: "P", show_key: 1 }] })).toBe(false);
  });

  test("top-level x- keys are allowed (anchors) and documented; elsewhere they are unknown fields", () => {
    expect(schemaAccepts({ version: "1.0", "x-defaults": { default_enabled: false } })).toBe(true);
    expect(schemaAccepts({ version: "1.0", users: [{ email: "a@b.c", "x-note": 1 }] })).toBe(false);
    expect((fileJsonSchema() as any).patternProperties["^x-"].description).toContain("anchors");
  });

  test("typed fields written as text: what the tool takes, or an interpolation", () => {
    const user = (is_superuser: unknown) => ({ version: "1.0", users: [{ email: "a@b.c", is_superuser }] });
    expect(schemaAccepts(user("yes"))).toBe(false);
    expect(schemaAccepts(user("true"))).toBe(true);
    expect(schemaAccepts(user("${ADMIN:false}"))).toBe(true);
    expect(schemaAccepts(user("$${ADMIN}"))).toBe(false); // a literal "${ADMIN}"
    expect(schemaAccepts(user("${1ADMIN}"))).toBe(false); // not a variable reference
    const seats = (seats: unknown) => ({ version: "1.0", organisations: [{ name: "A", subscription: { seats } }] });
    expect(schemaAccepts(seats(" 020 "))).toBe(true);
    expect(schemaAccepts(seats("2147483648"))).toBe(false);
    expect(schemaAccepts(seats("${SEATS:20}"))).toBe(true);
  });

  test('version is the text "1.0", as the tool reads it (an unquoted 1.0 is the number 1)', () => {
    expect(schemaAccepts({ version: "1.0" })).toBe(true);
    expect(schemaAccepts({ version: 1 })).toBe(false);
    expect(schemaAccepts({ version: "${FORMAT_VERSION:1.0}" })).toBe(true);
  });

  test("choices and permission keys are enums for completion, per level", () => {
    const schema = fileJsonSchema() as any;
    // The choices, wherever they are among the alternatives (text with a ${…}, nothing for an optional field).
    const enums = (node: any): string[] =>
      node.enum ?? (node.anyOf ?? []).map(enums).find((found: string[] | undefined) => found);
    const organisation = schema.properties.organisations.anyOf[0].items.properties;
    expect(enums(organisation.members.anyOf[0].items.properties.role)).toEqual(["ADMIN", "USER"]);
    expect(enums(organisation.permissions.anyOf[0].items.properties.permissions.items)).toContain("CREATE_PROJECT");
    const project = schema.properties.projects.anyOf[0].items.properties;
    const projectKeys = enums(project.permissions.anyOf[0].items.properties.permissions.anyOf[0].items);
    expect(projectKeys).toContain("VIEW_PROJECT");
    expect(projectKeys).not.toContain("VIEW_ENVIRONMENT");
    const environment = project.environments.anyOf[0].items.properties;
    expect(enums(environment.permissions.anyOf[0].items.properties.permissions.anyOf[0].items)).toContain(
      "VIEW_ENVIRONMENT",
    );
    expect(enums(schema.definitions.segmentRule.properties.type)).toEqual(["ALL", "ANY", "NONE"]);
  });
});
