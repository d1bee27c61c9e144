/** What the fields of projects, environments, features, segments and their parts mean (see schema-docs.ts). */
import { MAX_CONDITIONS } from "./rules/segments.ts";
import { NOT_STORED, permissionKeys, userRef } from "./schema-docs.ts";
import { CONTENT_DOCS } from "./schema-docs-content.ts";

const storedDescription = (what: string) =>
  `The ${what}'s description, stored in Flagsmith and shown in the dashboard. Default: none.`;

/** A project's or environment's permissions for one user. */
const permission = (level: "project" | "environment") => ({
  user: userRef(`to give permissions in this ${level}`),
  permissions: permissionKeys(level),
  admin: {
    description: `Make the user an administrator of the ${level} (every permission on it). Default: false.`,
    default: false,
  },
  description: NOT_STORED,
});

/** `project:` and `organisation:` of an environment, feature or segment listed at the top level. */
const projectLink = {
  project: {
    description:
      "The project this belongs to, by name: declared in these files or already in the database (required at the top level).",
    examples: ["Web App"],
  },
  organisation:
    "The project's organisation, by name: only needed when projects of that name exist in several organisations.",
};

const segmentRules = {
  description:
    "The segment's rules; an identity is in the segment when every rule matches. Stored in the shape Flagsmith's " +
    "dashboard writes (one ALL rule holding ANY/NONE rules), with the same meaning. A top-level ALL rule may hold " +
    `rules of conditions; ANY and NONE rules hold only conditions. At most ${MAX_CONDITIONS} conditions in all.`,
};

export const PROJECT_DOCS = {
  projectPermission: permission("project"),
  environmentPermission: permission("environment"),
  identity: {
    identifier: {
      description: "The identity's identifier (what the SDKs send), in its environment.",
      examples: ["user-123"],
      stored: "environments_identity.identifier",
    },
    traits: "The identity's traits, by key: text, a number or true/false, each stored with its type as Flagsmith does.",
    description: NOT_STORED,
  },
  environment: {
    name: {
      description: "The environment's name, in its project.",
      examples: ["Development", "Production"],
      stored: "environments_environment.name",
    },
    description: storedDescription("environment"),
    show_key: {
      description:
        'Print this environment\'s client-side API key on its "Created environment" line when it is created ' +
        "(stdout only, never in a dry run); --show-environment-keys does it for every environment. Default: false.",
      default: false,
    },
    identities: "Identities to create in this environment when missing (matched by identifier).",
    permissions: "Environment permissions for users.",
    ...CONTENT_DOCS.environmentSettings,
  },
  feature: {
    name: {
      description:
        "The feature's name, the key the SDKs ask for; in its project, case-insensitively (a feature of that name " +
        "that exists is skipped). Flagsmith gives a new feature a state in every environment of its project.",
      examples: ["dark_mode"],
      stored: "features_feature.name",
    },
    description: storedDescription("feature"),
    default_enabled: {
      description: "Whether the feature starts enabled in every environment. Default: false.",
      default: false,
    },
    initial_value: {
      description:
        "The feature's value (remote config) in every environment, when it is created: a whole number becomes an " +
        "integer value, true/false a boolean, anything else text (numbers as written, e.g. 1.50), as Flagsmith " +
        "types it. Default: none (a plain flag).",
      examples: ["Welcome!", 42, true],
      stored: ["features_feature.initial_value", "features_featurestatevalue.string_value"],
    },
    ...CONTENT_DOCS.feature,
  },
  segment: {
    name: {
      description: "The segment's name, in its project.",
      examples: ["beta_users"],
      stored: "segments_segment.name",
    },
    description: storedDescription("segment"),
    rules_shape: CONTENT_DOCS.rules_shape,
    rules: segmentRules,
  },
  project: {
    name: {
      description: "The project's name, in its organisation.",
      examples: ["Web App"],
      stored: "projects_project.name",
    },
    organisation:
      "The organisation the project belongs to, by name: declared in these files or already in the database.",
    description: NOT_STORED,
    environments: "The project's environments.",
    features: "The project's features (Flagsmith gives each a state in every environment of the project).",
    segments: "The project's segments.",
    permissions: "Project permissions for users.",
    ...CONTENT_DOCS.projectSettings,
    tags: CONTENT_DOCS.tags,
  },
  projectLink,
  rule: {
    type: "ALL: every condition and rule in it matches; ANY: at least one does; NONE: none does.",
    conditions: "The rule's conditions.",
    rules: "Rules inside this one (only in a top-level ALL rule, and holding only conditions).",
  },
  condition: {
    property: {
      description:
        "The trait (its key) the condition tests. PERCENTAGE_SPLIT may leave it out (it splits on the identity).",
      stored: "segments_condition.property",
    },
    operator:
      "How the trait is compared with value. EQUAL, NOT_EQUAL, CONTAINS, NOT_CONTAINS, GREATER_THAN, LESS_THAN, " +
      'GREATER_THAN_INCLUSIVE, LESS_THAN_INCLUSIVE (with "1.2.3:semver" values for semantic versions), REGEX ' +
      '(Python syntax), PERCENTAGE_SPLIT (value 0–100), MODULO ("divisor|remainder"), IN (a comma list or a YAML ' +
      "list), IS_SET and IS_NOT_SET (no value).",
    value: {
      description:
        "What the trait is compared with, stored as text (true/false as True/False): required except for IS_SET " +
        'and IS_NOT_SET, which take none. MODULO: "divisor|remainder"; PERCENTAGE_SPLIT: 0 to 100; IN: a comma ' +
        'list or a YAML list; comparisons: "1.2.3:semver" for semantic versions.',
      examples: ["beta", "2|0", 25, "1.2.3:semver"],
      stored: "segments_condition.value",
    },
    description: "The condition's description, stored in Flagsmith. Default: none.",
  },
} as const;
