import { fileJsonSchema } from "../input/index.ts";
import type { Io } from "../io.ts";

/** Identifies the schema for editors (yaml-language-server) and for `$ref`s from other schemas. */
const SCHEMA_ID = "urn:flagsmith-provision:provisioning-file:1.0";

/** `schema`: the JSON Schema of the provisioning file format, pretty-printed. */
export function schemaCommand(io: Io): void {
  const { $schema, $id: _, title, ...rest } = fileJsonSchema();
  const document = {
    $schema: $schema ?? "http://json-schema.org/draft-07/schema#",
    $id: SCHEMA_ID,
    title: title ?? "flagsmith-provision file",
    ...rest,
  };
  io.out(JSON.stringify(document, null, 2));
}
