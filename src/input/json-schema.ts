import { toJsonSchema } from "@valibot/to-json-schema";
import { FileSchema } from "./schema.ts";
import { RuleSchema } from "./schema-rules.ts";

/**
 * JSON Schema (draft-07) of one provisioning file as written, before interpolation, for editors
 * (yaml-language-server: `# yaml-language-server: $schema=…`). Typed fields also allow text, for `${VAR}`.
 * Checks JSON Schema cannot express (emails, key formats, cross-file rules) are left to `validate`.
 */
export function fileJsonSchema(): Record<string, unknown> {
  const schema = toJsonSchema(FileSchema, {
    target: "draft-07",
    typeMode: "input",
    errorMode: "ignore",
    definitions: { segmentRule: RuleSchema },
    // Our strict objects are objects with a `never` rest (to report every unknown key); say so plainly.
    overrideSchema: ({ valibotSchema, jsonSchema }) =>
      valibotSchema.type === "object_with_rest" ? { ...jsonSchema, additionalProperties: false } : undefined,
  });
  // draft-07 keeps reusable schemas under "definitions" (the converter writes the newer "$defs").
  const { $defs, ...rest } = schema as Record<string, unknown>;
  const text = JSON.stringify({ ...rest, definitions: $defs }).replaceAll('"#/$defs/', '"#/definitions/');
  // Top-level `x-…` keys are ignored (a home for YAML anchors), see check.ts.
  return {
    ...JSON.parse(text),
    patternProperties: { "^x-": {} },
    title: "flagsmith-provision file",
    description: 'A flagsmith-provision file, version "1.0".',
  };
}
