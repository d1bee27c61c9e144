/** The file format's JSON Schema compiled with ajv, and the tool's own verdict, for the agreement tests. */
import Ajv, { type ValidateFunction } from "ajv";
import { UserError } from "../../src/errors.ts";
import { fileJsonSchema, loadDesired } from "../../src/input/index.ts";
import type { Env, Source } from "../../src/input/source.ts";

/**
 * ajv as strict as it goes, but for `strictTypes`: the schema puts text keywords (pattern, maxLength) where a number
 * may also stand, which JSON Schema allows. The two keywords editors read for their messages are declared.
 */
export function compile(schema: object): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  ajv.addKeyword("patternErrorMessage");
  ajv.addKeyword("errorMessage");
  return ajv.compile(schema);
}

let fileSchema: ValidateFunction | undefined;
/** Whether the JSON Schema of the file format accepts `document` (parsed YAML or JSON). */
export function schemaAccepts(document: unknown): boolean {
  fileSchema ??= compile(fileJsonSchema());
  return fileSchema(document);
}

/** The errors of the last `schemaAccepts`, for failure messages. */
export const schemaErrors = () => (fileSchema?.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("; ");

/** Whether the tool (what `validate` does offline) accepts these sources; other failures are thrown. */
export function toolAccepts(sources: Source[], env: Env = {}): boolean {
  try {
    loadDesired(sources, env);
    return true;
  } catch (error) {
    if (error instanceof UserError) return false;
    throw error;
  }
}
