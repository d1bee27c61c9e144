import { toJsonSchema } from "@valibot/to-json-schema";
import type { GenericSchema, PicklistSchema } from "valibot";
import { INTERPOLATION_SYNTAX } from "./interpolate.ts";
import { oneOfOrInterpolated, type Keywords } from "./json-form.ts";
import { FileSchema } from "./schema.ts";
import { RuleSchema } from "./schema-rules.ts";

/**
 * JSON Schema (draft-07) of one provisioning file as written, before interpolation, for editors
 * (yaml-language-server: `# yaml-language-server: $schema=…`) and other tools. It is derived from the valibot
 * schema (schema.ts), whose fields carry their descriptions and JSON forms (json-form.ts). A file it accepts is one
 * `validate` accepts, but for what a JSON Schema cannot see: references between entities, duplicates, the values of
 * environment variables and files, YAML syntax (test/input/schema-agreement.test.ts lists them).
 */
export function fileJsonSchema(): Record<string, unknown> {
  const schema = jsonSchemaOf(FileSchema, { segmentRule: RuleSchema });
  return {
    ...schema,
    // Top-level `x-…` keys are ignored (check.ts), as in Docker Compose: a home for YAML anchors.
    patternProperties: {
      "^x-": {
        description:
          "Ignored by flagsmith-provision (any top-level key starting with x-): a place for YAML anchors to reuse, " +
          "e.g. x-defaults: &defaults {default_enabled: false}, then <<: *defaults in a feature. " +
          "Interpolation still applies inside it.",
      },
    },
    title: "flagsmith-provision file",
    description:
      'A flagsmith-provision file, version "1.0": users, organisations, master API keys, projects, environments, ' +
      "features and segments to create in Flagsmith's database when missing (create-only).",
  };
}

/** The JSON Schema of any part of the format (for tests: one field on its own), in the same form. */
export function jsonSchemaOf(schema: GenericSchema, definitions: Record<string, GenericSchema> = {}): Keywords {
  const converted = toJsonSchema(schema, {
    target: "draft-07",
    typeMode: "input",
    errorMode: "ignore",
    definitions,
    overrideSchema: ({ valibotSchema, jsonSchema }) => {
      // Our strict objects are objects with a `never` rest (to report every unknown key); say so plainly.
      if (valibotSchema.type === "object_with_rest") return { ...jsonSchema, additionalProperties: false };
      // Every value is interpolated before it is checked, choices too.
      if (valibotSchema.type === "picklist")
        return oneOfOrInterpolated((valibotSchema as PicklistSchema<string[], undefined>).options);
      return undefined;
    },
  });
  // draft-07 keeps reusable schemas under "definitions" (the converter writes the newer "$defs").
  const { $defs, ...rest } = converted as Keywords;
  const text = JSON.stringify({ ...rest, definitions: $defs ?? {} }).replaceAll('"#/$defs/', '"#/definitions/');
  const guarded = guardText(JSON.parse(text) as Keywords);
  return { ...guarded, definitions: { ...(guarded.definitions as Keywords), [WELL_FORMED_TEXT]: WELL_FORMED } };
}

/**
 * Every text of a file is interpolated, and refused with a NUL character or half a surrogate pair (text.ts), so
 * every string also has to be well-formed: `${…}`/`$__file{…}` as interpolate.ts reads them, no NUL, no lone
 * surrogate. A field's own pattern stays (with its message); the check is one definition, referred to beside it.
 */
function guardText(node: Keywords): Keywords {
  const walk = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item));
    if (value === null || typeof value !== "object") return value;
    if (CONDITIONS.has(key ?? "")) return value;
    const out: Keywords = {};
    for (const [k, item] of Object.entries(value)) out[k] = walk(item, k);
    const types = Array.isArray(out.type) ? out.type : [out.type];
    if (!types.includes("string") || "enum" in out) return out;
    const guard = { $ref: `#/definitions/${WELL_FORMED_TEXT}` };
    return { ...out, allOf: [...((out.allOf as unknown[] | undefined) ?? []), guard] };
  };
  return walk(node) as Keywords;
}

/** Subschemas that only constrain values declared elsewhere (which have the check), and keys. */
const CONDITIONS = new Set(["not", "if", "then", "else", "propertyNames"]);
const WELL_FORMED_TEXT = "wellFormedText";
const WELL_FORMED = {
  pattern: `^(?![\\s\\S]*[\\u0000\\ud800-\\udfff])${INTERPOLATION_SYNTAX}$`,
  patternErrorMessage:
    "write ${NAME}, ${NAME:default} or $__file{/path} ($${ for a literal ${); text cannot hold NUL characters",
};
