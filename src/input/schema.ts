import * as v from "valibot";
import { bigCount, bool, count, email, encodeProblem, list, name, oneOf, scalar, strict, text } from "./fields.ts";
import { FLAGSMITH_PERMISSION_KEYS, type PermissionKeys } from "../kinds/permission-keys.ts";
import { annotate, oneOfOrInterpolated } from "./json-form.ts";
import { DOCS } from "./schema-docs.ts";
import { PROJECT_DOCS } from "./schema-docs-projects.ts";
import { SegmentRulesSchema } from "./schema-rules.ts";
import { domain, masterKey, passwordHash, traits } from "./schema-values.ts";
import { environmentSettingEntries, featureContentEntries, projectContentEntries } from "./schema-content.ts";

export type { ConditionSpec, RuleSpec } from "./schema-rules.ts";

/**
 * The provisioning file format, version "1.0" (contract §1), as valibot schemas. Types are inferred from them.
 * Typed fields also accept strings, because `${VAR}` always produces text.
 */
export const SUPPORTED_VERSIONS = ["1.0"] as const;

const optional = <T extends v.GenericSchema>(schema: T) => v.nullish(schema);
const description = optional(text);
const UserSchema = annotate(
  strict(
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
    DOCS.user,
  ),
  // rules/users.ts: not both.
  {
    if: { required: ["password"], properties: { password: { not: { type: "null" } } } },
    then: { properties: { password_hash: { type: "null", errorMessage: "give password or password_hash, not both" } } },
  },
);

const MemberSchema = strict(
  { email, role: optional(oneOf(["ADMIN", "USER"])), description },
  "an organisation member",
  DOCS.member,
);
const SubscriptionSchema = strict(
  {
    plan: optional(text),
    seats: optional(count()),
    max_api_calls: optional(bigCount()),
    subscription_id: optional(text),
    description,
  },
  "a subscription",
  DOCS.subscription,
);
const GroupSchema = strict(
  { name, members: list(email, "emails"), is_default: optional(bool), description },
  "a group",
  DOCS.group,
);
/** A permission key: any name here; Flagsmith's keys for the level are checked later (offline: its v2.265.0 keys). */
const permissionKey = (level: keyof PermissionKeys) =>
  annotate(name, oneOfOrInterpolated(FLAGSMITH_PERMISSION_KEYS[level]));
const OrganisationPermissionSchema = strict(
  {
    user: email,
    permissions: v.array(
      permissionKey("organisation"),
      encodeProblem({
        rule: "wrong-type",
        message: "{field} must be a list of permission keys",
        hint: "e.g. permissions: [CREATE_PROJECT]",
      }),
    ),
    description,
  },
  "an organisation permission",
  DOCS.organisationPermission,
);
const permissionSchema = (level: "project" | "environment", docs: typeof PROJECT_DOCS.projectPermission) =>
  strict(
    { user: email, permissions: list(permissionKey(level), "permission keys"), admin: optional(bool), description },
    "a permission",
    docs,
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
  DOCS.organisation,
);

const MasterApiKeySchema = strict(
  { name, organisation: name, is_admin: optional(bool), key: optional(masterKey), description },
  "a master API key",
  DOCS.masterApiKey,
);

const IdentitySchema = strict(
  {
    identifier: name,
    traits: optional(traits),
    description,
  },
  "an identity",
  PROJECT_DOCS.identity,
);

const environmentEntries = {
  name,
  description,
  // A reporting choice, not content: the created environment's client-side key goes on its output line.
  show_key: optional(bool),
  ...environmentSettingEntries,
  identities: list(IdentitySchema, "identities"),
  permissions: list(permissionSchema("environment", PROJECT_DOCS.environmentPermission), "permissions"),
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
  rules: SegmentRulesSchema,
};
const projectLink = { project: name, organisation: optional(name) };

const ProjectSchema = strict(
  {
    name,
    organisation: name,
    description,
    ...projectContentEntries,
    environments: list(strict(environmentEntries, "an environment", PROJECT_DOCS.environment), "environments"),
    features: list(strict(featureEntries, "a feature", PROJECT_DOCS.feature), "features"),
    segments: list(strict(segmentEntries, "a segment", PROJECT_DOCS.segment), "segments"),
    permissions: list(permissionSchema("project", PROJECT_DOCS.projectPermission), "permissions"),
  },
  "a project",
  PROJECT_DOCS.project,
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
    environments: list(
      strict({ ...environmentEntries, ...projectLink }, "an environment", {
        ...PROJECT_DOCS.environment,
        ...PROJECT_DOCS.projectLink,
      }),
      "environments",
    ),
    features: list(
      strict({ ...featureEntries, ...projectLink }, "a feature", {
        ...PROJECT_DOCS.feature,
        ...PROJECT_DOCS.projectLink,
      }),
      "features",
    ),
    segments: list(
      strict({ ...segmentEntries, ...projectLink }, "a segment", {
        ...PROJECT_DOCS.segment,
        ...PROJECT_DOCS.projectLink,
      }),
      "segments",
    ),
  },
  "a provisioning file",
  DOCS.file,
);

/** One file's content after validation. */
export type Spec = v.InferOutput<typeof FileSchema>;
export type UserSpec = v.InferOutput<typeof UserSchema>;
export type OrganisationSpec = v.InferOutput<typeof OrganisationSchema>;
export type ProjectSpec = v.InferOutput<typeof ProjectSchema>;
export type EnvironmentSpec = NonNullable<Spec["environments"]>[number];
export type FeatureSpec = NonNullable<Spec["features"]>[number];
export type SegmentSpec = NonNullable<Spec["segments"]>[number];
export type PermissionSpec = v.InferOutput<ReturnType<typeof permissionSchema>>;
