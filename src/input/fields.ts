import * as v from "valibot";
import { annotate, documented, json, textMatching, upTo, type Docs } from "./json-form.ts";

/**
 * Field schemas with our own issue wording. valibot issues carry only a message, so the rule name and hint
 * travel inside it (`encodeProblem`) and `toIssues` (issues.ts) unpacks them. `{field}` is replaced by the
 * name of the field at the issue's path.
 */
const MARK = "\u0001";

export interface EncodedProblem {
  rule: string;
  message: string;
  hint: string;
  /** Point at the key instead of the value (unknown fields). */
  atKey?: boolean;
  /** For unknown fields: the keys that are valid here. */
  known?: string[];
}

/** Packs a problem into a valibot message. */
export function encodeProblem(problem: EncodedProblem): string {
  return MARK + JSON.stringify(problem);
}

/** Unpacks `encodeProblem`; undefined for valibot's own messages. */
export function decodeProblem(message: string): EncodedProblem | undefined {
  return message.startsWith(MARK) ? (JSON.parse(message.slice(1)) as EncodedProblem) : undefined;
}

/** A short description of what was given, for "got …". */
export function describe(input: unknown): string {
  if (input === null || input === undefined) return "nothing";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  if (typeof input === "string") return `"${input.length > 40 ? input.slice(0, 40) + "…" : input}"`;
  return String(input);
}

export const wrongType = (expected: string, hint: string) => (issue: v.BaseIssue<unknown>) =>
  encodeProblem({ rule: "wrong-type", message: `{field} must be ${expected}, got ${describe(issue.input)}`, hint });

/**
 * A mapping allowing exactly `entries`: every unknown key is reported (not just the first), at the key. `docs` says
 * what each field is, for editors (json-form.ts).
 */
export function strict<const E extends v.ObjectEntries>(
  entries: E,
  what: string,
  docs?: Docs<E>,
): v.StrictObjectSchema<E, undefined> {
  const known = Object.keys(entries);
  const unknownKey = encodeProblem({
    rule: "unknown-key",
    message: `unknown field {field} in ${what}`,
    hint: "",
    atKey: true,
    known,
  });
  // Typed as a strict object (no index signature in the inferred types); at run time every extra key is reported.
  const schema = v.objectWithRest(
    docs ? documented(entries, docs) : entries,
    v.never(unknownKey),
    wrongType(`a mapping (${what})`, `write ${what} as "key: value" lines`),
  );
  return reportingSkippedKeys(schema, unknownKey) as unknown as v.StrictObjectSchema<E, undefined>;
}

/**
 * valibot's object and record schemas skip the keys `__proto__`, `constructor` and `prototype` without a word
 * (their guard against prototype pollution), so `users: [{email: …, __proto__: {is_superuser: true}}]` would pass
 * as a valid user. No schema of ours has such a key: `schema`, wrapped, reports each one found in its input as
 * an issue with `message`, at the key, like any other unknown key.
 */
export function reportingSkippedKeys<S extends v.GenericSchema>(schema: S, message: string): S {
  const run = schema["~run"].bind(schema);
  return {
    ...schema,
    "~run"(dataset, config) {
      const input = dataset.value;
      const result = run(dataset, config);
      if (input === null || typeof input !== "object" || Array.isArray(input)) return result;
      for (const key of SKIPPED_KEYS) {
        const own = Object.getOwnPropertyDescriptor(input, key);
        if (!own) continue;
        const issue = {
          kind: "schema",
          type: schema.type,
          input: own.value,
          expected: "never",
          received: describe(own.value),
          message,
          path: [{ type: "object", origin: "value", input, key, value: own.value }],
        } as unknown as v.BaseIssue<unknown>;
        const out = result as { typed: boolean; issues?: v.BaseIssue<unknown>[] };
        (out.issues ??= []).push(issue);
        out.typed = false;
      }
      return result;
    },
  };
}

export const SKIPPED_KEYS = ["__proto__", "constructor", "prototype"] as const;

/** A list of `item`; `null` (an empty `key:`) counts as an empty list. */
export function list<T extends v.GenericSchema>(item: T, what: string) {
  return v.nullish(v.array(item, wrongType(`a list of ${what}`, `write each item on its own line starting with "- "`)));
}

/** Text. Numbers are accepted and kept as written by the YAML (`name: 2024`). */
export const text = v.pipe(
  v.union([v.string(), v.number()], wrongType("text", "quote the value")),
  v.transform((value) => String(value)),
);

/** Non-empty text. */
export const name = annotate(
  v.pipe(
    text,
    v.check(
      (value) => value.trim() !== "",
      encodeProblem({ rule: "empty-value", message: "{field} must not be empty", hint: "give it a value" }),
    ),
  ),
  textMatching("\\S", "must not be empty", ["number"]),
);

/** A boolean: true/false or the strings "true"/"false" (what `${VAR}` produces). */
export const bool = v.pipe(
  v.union([v.boolean(), v.string()], wrongType("true or false", "write true or false")),
  json(textMatching("^(?:true|false)$", "true or false", ["boolean"])),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const value = dataset.value;
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    addIssue({
      message: encodeProblem({
        rule: "wrong-type",
        message: `{field} must be true or false, got ${describe(value)}`,
        hint: "write true or false",
      }),
    });
    return NEVER;
  }),
);

/** PostgreSQL's `integer` (and `bigint`, as far as JavaScript numbers are exact). */
export const INTEGER_MAX = 2_147_483_647;
const BIGINT_MAX = Number.MAX_SAFE_INTEGER;

/**
 * A whole number from 0 to `max`: a number or a numeric string (`seats: "${SEATS:20}"` is 20). `max` is what
 * the column it is stored in holds (`integer` by default), so a value too big is an input error, not a database one.
 */
export function count(max: number = INTEGER_MAX) {
  return v.pipe(
    v.union([v.number(), v.string()], wrongType("a whole number", "write a number such as 20")),
    json({
      // As text, what the test below takes: digits (leading zeros too) with blanks around them, at most max.
      ...textMatching(`^\\s*0*(?:${upTo(max)})\\s*$`, `a whole number from 0 to ${max}`, ["integer"]),
      minimum: 0,
      maximum: max,
    }),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const raw = dataset.value;
      const value = typeof raw === "number" ? raw : /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isSafeInteger(value) && value >= 0 && value <= max) return value;
      const problem =
        Number.isInteger(value) && value > max
          ? {
              rule: "out-of-range",
              message: `{field} must be at most ${max}, got ${String(raw).trim()}`,
              hint: `Flagsmith stores it in a PostgreSQL ${max === INTEGER_MAX ? "integer" : "bigint"}; give a number up to ${max}`,
            }
          : {
              rule: "wrong-type",
              message: `{field} must be a whole number ≥ 0, got ${describe(raw)}`,
              hint: "write a number such as 20",
            };
      addIssue({ message: encodeProblem(problem) });
      return NEVER;
    }),
  );
}

/** A whole number for a PostgreSQL `bigint` column. */
export const bigCount = () => count(BIGINT_MAX);

/** One of `options` (exact spelling), with "did you mean" for near misses. */
export function oneOf<const T extends readonly string[]>(options: T, rule = "invalid-value") {
  return v.picklist(options, (issue) =>
    encodeProblem({
      rule,
      message:
        options.length <= 4
          ? `{field} must be one of ${options.join(", ")}, got ${describe(issue.input)}`
          : `${describe(issue.input)} is not a valid {field}`,
      hint: "",
      known: [...options],
    }),
  );
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** An email address, checked loosely (something@something); Django normalises it later. */
export const email = annotate(
  v.pipe(
    text,
    v.check(
      (value) => EMAIL.test(value.trim()),
      (issue) =>
        encodeProblem({
          rule: "invalid-email",
          message: `{field} must be an email address, got ${describe(issue.input)}`,
          hint: "write it as name@example.com",
        }),
    ),
  ),
  // Blanks around it are trimmed before the check, so allowed here too; a number is never an email address.
  textMatching(`^\\s*${EMAIL.source.slice(1, -1)}\\s*$`, "an email address"),
);

/** A scalar that Flagsmith stores as text, stringified the way Python's str() does (true → "True"). */
export const scalar = v.pipe(
  v.union([v.string(), v.number(), v.boolean()], wrongType("text, a number or true/false", "write a single value")),
  v.transform((value) => pythonString(value)),
);

/** Python's str() of a YAML scalar; numbers should arrive as written (see numbers.ts). */
export function pythonString(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}
