import * as v from "valibot";
import {
  bigCount,
  bool,
  count,
  describe,
  email,
  encodeProblem,
  list,
  name,
  oneOf,
  reportingSkippedKeys,
  scalar,
  strict,
  text,
} from "./fields.ts";
import { HOST_AND_PORT_EXAMPLE, HOST_AND_PORT_HINT, isHostAndPort } from "./host.ts";
import { isFlagsmithPasswordHash, PASSWORD_HASH_ALGORITHMS } from "./password-hash.ts";
import { RuleSchema } from "./schema-rules.ts";
import { environmentSettingEntries, featureContentEntries, projectContentEntries } from "./schema-content.ts";

export type { ConditionSpec, RuleSpec } from "./schema-rules.ts";

/**
 * The provisioning file format, version "1.0" (contract §1), as valibot schemas. Types are inferred from them.
 * Typed fields also accept strings, because `${VAR}` always produces text.
 */
export const SUPPORTED_VERSIONS = ["1.0"] as const;

const optional = <T extends v.GenericSchema>(schema: T) => v.nullish(schema);
const description = optional(text);
const checked = (test: (value: string) => boolean, rule: string, message: string, hint: string) =>
  v.pipe(
    text,
    v.check(test, (issue) => encodeProblem({ rule, message: message.replace("{input}", describe(issue.input)), hint })),
  );

/** Flagsmith's master API key format: `<8 letters/digits>.<32 letters/digits>` (djangorestframework-api-key). */
export const MASTER_KEY_PATTERN = /^[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}$/;

/** Django's Site domain, which Flagsmith's links are made of. */
const domain = checked(
  isHostAndPort,
  "bad-domain",
  `{field} must be ${HOST_AND_PORT_EXAMPLE}, got {input}`,
  HOST_AND_PORT_HINT,
);
const masterKey = checked(
  (value) => MASTER_KEY_PATTERN.test(value),
  "bad-master-key-format",
  "{field} is not in Flagsmith's master API key format <8 letters/digits>.<32 letters/digits>",
  "leave key out to generate one, or give e.g. abcd1234.0123456789abcdefghijABCDEFGHIJ01 (the upstream flg_mas… form cannot authenticate)",
);
const passwordHash = checked(
  isFlagsmithPasswordHash,
  "bad-password-hash",
  `{field} is not a Django password hash Flagsmith can check (${PASSWORD_HASH_ALGORITHMS}, in the form Django writes)`,
  'give a hash such as "pbkdf2_sha256$1000000$<salt>$<hash>" (Django\'s make_password), or use password: for plain text',
);

const UserSchema = strict(
  {
    email,
    is_superuser: optional(bool),
    first_name: optional(text),
    last_name: optional(text),
    username: optional(text),
    password: optional(text),
    password_hash: optional(passwordHash),
    description,
  },
  "a user",
);

const MemberSchema = strict({ email, role: optional(oneOf(["ADMIN", "USER"])), description }, "an organisation member");
const SubscriptionSchema = strict(
  {
    plan: optional(text),
    seats: optional(count()),
    max_api_calls: optional(bigCount()),
    subscription_id: optional(text),
    description,
  },
  "a subscription",
);
const GroupSchema = strict(
  { name, members: list(email, "emails"), is_default: optional(bool), description },
  "a group",
);
const permissionKeys = list(name, "permission keys");
const OrganisationPermissionSchema = strict(
  {
    user: email,
    permissions: v.array(
      name,
      encodeProblem({
        rule: "wrong-type",
        message: "{field} must be a list of permission keys",
        hint: "e.g. permissions: [CREATE_PROJECT]",
      }),
    ),
    description,
  },
  "an organisation permission",
);
const PermissionSchema = strict(
  { user: email, permissions: permissionKeys, admin: optional(bool), description },
  "a permission",
);

const OrganisationSchema = strict(
  {
    name,
    description,
    members: list(MemberSchema, "members"),
    subscription: optional(SubscriptionSchema),
    groups: list(GroupSchema, "groups"),
    permissions: list(OrganisationPermissionSchema, "permissions"),
  },
  "an organisation",
);

const MasterApiKeySchema = strict(
  { name, organisation: name, is_admin: optional(bool), key: optional(masterKey), description },
  "a master API key",
);

const notFinite = (issue: v.BaseIssue<unknown>) =>
  encodeProblem({
    rule: "out-of-range",
    message: `trait {field} must be a finite number, got ${String(issue.input)}`,
    hint: "write a number such as 1.5, or quote the value to make it text",
  });

const IdentitySchema = strict(
  {
    identifier: name,
    traits: optional(
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
    ),
    description,
  },
  "an identity",
);

/** A reporting choice, not content: the created environment's client-side key goes on its output line. */
const showKey = v.pipe(
  optional(bool),
  // Outside the transform: the JSON Schema (input mode) drops pipe items that follow one.
  v.description(
    'Print this environment\'s client-side API key on its "Created environment" line when it is created (stdout only, never in a dry run).',
  ),
);
const environmentEntries = {
  name,
  description,
  show_key: showKey,
  ...environmentSettingEntries,
  identities: list(IdentitySchema, "identities"),
  permissions: list(PermissionSchema, "permissions"),
};
const featureEntries = {
  name,
  description,
  default_enabled: optional(bool),
  initial_value: optional(scalar),
  ...featureContentEntries,
};
const segmentEntries = {
  name,
  description,
  // "as_written": store the rules exactly as given (what export writes for rules not in the dashboard's shape).
  rules_shape: optional(oneOf(["dashboard", "as_written"])),
  rules: v.array(
    RuleSchema,
    encodeProblem({
      rule: "wrong-type",
      message: "{field} must be a list of rules",
      hint: "e.g. rules: [{type: ALL, conditions: [...]}]",
    }),
  ),
};
const projectLink = { project: name, organisation: optional(name) };

const ProjectSchema = strict(
  {
    name,
    organisation: name,
    description,
    ...projectContentEntries,
    environments: list(strict(environmentEntries, "an environment"), "environments"),
    features: list(strict(featureEntries, "a feature"), "features"),
    segments: list(strict(segmentEntries, "a segment"), "segments"),
    permissions: list(PermissionSchema, "permissions"),
  },
  "a project",
);

/** One provisioning file. */
export const FileSchema = strict(
  {
    version: v.picklist(SUPPORTED_VERSIONS),
    app_domain: optional(domain),
    users: list(UserSchema, "users"),
    organisations: list(OrganisationSchema, "organisations"),
    master_api_keys: list(MasterApiKeySchema, "master API keys"),
    projects: list(ProjectSchema, "projects"),
    environments: list(strict({ ...environmentEntries, ...projectLink }, "an environment"), "environments"),
    features: list(strict({ ...featureEntries, ...projectLink }, "a feature"), "features"),
    segments: list(strict({ ...segmentEntries, ...projectLink }, "a segment"), "segments"),
  },
  "a provisioning file",
);

/** One file's content after validation. */
export type Spec = v.InferOutput<typeof FileSchema>;
export type UserSpec = v.InferOutput<typeof UserSchema>;
export type OrganisationSpec = v.InferOutput<typeof OrganisationSchema>;
export type ProjectSpec = v.InferOutput<typeof ProjectSchema>;
export type EnvironmentSpec = NonNullable<Spec["environments"]>[number];
export type FeatureSpec = NonNullable<Spec["features"]>[number];
export type SegmentSpec = NonNullable<Spec["segments"]>[number];
export type PermissionSpec = v.InferOutput<typeof PermissionSchema>;
