/** Fields whose text has a format of its own (app_domain, master API keys, password hashes) and identity traits. */
import * as v from "valibot";
import { describe, encodeProblem, reportingSkippedKeys, SKIPPED_KEYS, text } from "./fields.ts";
import { HOST_AND_PORT_EXAMPLE, HOST_AND_PORT_HINT, HOST_AND_PORT_PATTERN, isHostAndPort } from "./host.ts";
import { annotate, columnLength, fitsIn, textMatching, type Keywords } from "./json-form.ts";
import { isFlagsmithPasswordHash, PASSWORD_HASH_ALGORITHMS, PASSWORD_HASH_PATTERN } from "../kinds/password-hash.ts";

/** Text passing `test`; `form` is the same check in JSON Schema, for editors. */
const checked = (test: (value: string) => boolean, rule: string, message: string, hint: string, form: Keywords) =>
  annotate(
    v.pipe(
      text,
      v.check(test, (issue) =>
        encodeProblem({ rule, message: message.replace("{input}", describe(issue.input)), hint }),
      ),
    ),
    form,
  );

/** Flagsmith's master API key format: `<8 letters/digits>.<32 letters/digits>` (djangorestframework-api-key). */
export const MASTER_KEY_PATTERN = /^[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}$/;

/** Django's Site domain, which Flagsmith's links are made of. */
export const domain = checked(
  isHostAndPort,
  "bad-domain",
  `{field} must be ${HOST_AND_PORT_EXAMPLE}, got {input}`,
  HOST_AND_PORT_HINT,
  // A number is text as written (`2024`, `1.5` are hosts); only a sign is not.
  { ...textMatching(HOST_AND_PORT_PATTERN, HOST_AND_PORT_EXAMPLE, ["number"]), minimum: 0 },
);
export const masterKey = checked(
  (value) => MASTER_KEY_PATTERN.test(value),
  "bad-master-key-format",
  "{field} is not in Flagsmith's master API key format <8 letters/digits>.<32 letters/digits>",
  "leave key out to generate one, or give e.g. abcd1234.0123456789abcdefghijABCDEFGHIJ01 (the upstream flg_mas… form cannot authenticate)",
  textMatching(MASTER_KEY_PATTERN.source, "<8 letters/digits>.<32 letters/digits>"),
);
export const passwordHash = checked(
  isFlagsmithPasswordHash,
  "bad-password-hash",
  `{field} is not a Django password hash Flagsmith can check (${PASSWORD_HASH_ALGORITHMS}, in the form Django writes)`,
  'give a hash such as "pbkdf2_sha256$1000000$<salt>$<hash>" (Django\'s make_password), or use password: for plain text',
  textMatching(PASSWORD_HASH_PATTERN, `a Django password hash (${PASSWORD_HASH_ALGORITHMS})`),
);

const notFinite = (issue: v.BaseIssue<unknown>) =>
  encodeProblem({
    rule: "out-of-range",
    message: `trait {field} must be a finite number, got ${String(issue.input)}`,
    hint: "write a number such as 1.5, or quote the value to make it text",
  });

/** Trait keys and their values: text, a number or true/false. */
export const traits = annotate(
  reportingSkippedKeys(
    v.record(
      v.string(),
      // Not .inf, 1e400 or .nan: Flagsmith's API could not send such a trait (its JSON renderer refuses them).
      v.union([v.string(), v.pipe(v.number(), v.finite(notFinite)), v.boolean()], (issue) =>
        typeof issue.input === "number"
          ? notFinite(issue)
          : encodeProblem({
              rule: "wrong-type",
              message: `trait {field} must be text, a number or true/false`,
              hint: `got ${issue.received}; write a single value`,
            }),
      ),
    ),
    encodeProblem({
      rule: "reserved-key",
      message: "trait key {field} is not supported",
      hint: "rename the trait",
      atKey: true,
    }),
  ),
  {
    // Keys are not interpolated; text.ts refuses NUL and lone surrogates in them too.
    propertyNames: {
      not: { enum: [...SKIPPED_KEYS] },
      pattern: "^[^\\u0000\\ud800-\\udfff]*$",
      maxLength: columnLength("environments_trait.trait_key"),
    },
    additionalProperties: {
      anyOf: [
        { type: "string", ...fitsIn("environments_trait.string_value") },
        { type: "number" },
        { type: "boolean" },
      ],
    },
  },
);
