/** What the flag-content fields (contract §5, schema-content.ts) mean, for editors (see schema-docs.ts). */

const onCreate = (what: string) => `Applied when the ${what} is created (an existing one is never changed).`;

const enabled = (what: string) => ({
  description: `Whether the feature is on ${what}. Default: false.`,
  default: false,
});

const value = (what: string) => ({
  description:
    `The feature's value ${what}, typed as initial_value is (a whole number an integer, true/false a boolean, ` +
    "anything else text). Default: the feature's initial_value.",
  examples: ["one_page", 25, true],
  stored: "features_featurestatevalue.string_value",
});

const allocations = (what: string) =>
  `Percentages of identities served each multivariate option ${what}, by option value (whole numbers, at most 100 ` +
  "in all); the rest get the feature's value.";

export const CONTENT_DOCS = {
  projectSettings: {
    hide_disabled_flags: {
      description: `Hide disabled flags from the SDKs in every environment that does not say otherwise. ${onCreate("project")} Default: false.`,
      default: false,
    },
    enforce_feature_owners: {
      description: `Require an owner on every feature (Flagsmith v2.2xx and later). ${onCreate("project")} Default: false.`,
      default: false,
    },
    feature_name_regex: {
      description:
        "A regular expression (Python syntax) every feature name in the project must match as a whole; the " +
        `features declared here are checked against it. ${onCreate("project")} Default: none.`,
      examples: ["^[a-z_]+$"],
      stored: "projects_project.feature_name_regex",
    },
    only_allow_lower_case_feature_names: {
      description: `Have the dashboard allow lower-case feature names only. ${onCreate("project")} Default: true.`,
      default: true,
    },
    prevent_flag_defaults: {
      description:
        "New features start disabled and without a value in every environment, whatever default_enabled and " +
        `initial_value say. ${onCreate("project")} Default: false.`,
      default: false,
    },
  },
  tags: "Tags of the project (matched by label, case-sensitively), for features' tags: lists.",
  tag: {
    label: { description: "The tag's label, as features list it.", examples: ["checkout"], stored: "tags_tag.label" },
    color: {
      description: "The tag's colour in the dashboard. Default: #3d4db6.",
      examples: ["#0AADDF"],
      default: "#3d4db6",
      stored: "tags_tag.color",
    },
    description: { description: "The tag's description. Default: none.", stored: "tags_tag.description" },
  },
  environmentSettings: {
    hide_disabled_flags: `Hide disabled flags from the SDKs in this environment; unset, the project's setting applies. ${onCreate("environment")}`,
    allow_client_traits: {
      description: `Let client-side SDKs set identities' traits. ${onCreate("environment")} Default: true.`,
      default: true,
    },
    banner_text: {
      description: `A banner the dashboard shows in this environment. ${onCreate("environment")} Default: none.`,
      examples: ["Production"],
      stored: "environments_environment.banner_text",
    },
    banner_colour: {
      description: `The banner's colour. ${onCreate("environment")} Default: none.`,
      examples: ["#FF0000"],
      stored: "environments_environment.banner_colour",
    },
    use_identity_composite_key_for_hashing: {
      description:
        "Bucket identities into multivariate variants and percentage splits by environment key and identifier " +
        `(stored as use_mv_v2_evaluation). ${onCreate("environment")} Default: true.`,
      default: true,
    },
    use_identity_overrides_in_local_eval: {
      description: `Include identity overrides in the environment document local evaluation reads. ${onCreate("environment")} Default: true.`,
      default: true,
    },
    hide_sensitive_data: {
      description: `Leave traits and similar data out of the SDK responses. ${onCreate("environment")} Default: false.`,
      default: false,
    },
    use_v2_feature_versioning: {
      description:
        "Start the environment on feature versioning v2: each feature's content is a published version, and a " +
        `segment override added later goes into a new version. ${onCreate("environment")} Default: false.`,
      default: false,
    },
  },
  feature: {
    is_server_key_only: {
      description: "Serve the feature to server-side SDKs (server keys) only. Default: false.",
      default: false,
    },
    tags: "Labels of the project's tags to put on the feature.",
    owners: "Users (emails) who own the feature.",
    group_owners: "Groups of the project's organisation (names) that own the feature.",
    multivariate_options:
      "Variants of the feature's value (makes it a MULTIVARIATE feature); each gets its default allocation in every environment.",
    environments:
      "What the feature holds in each environment, by environment name: its state, segment overrides and identity overrides.",
  },
  multivariateOption: {
    value: {
      description: "The variant's value, typed as initial_value is; options are matched by it.",
      examples: ["one_page", 2],
      stored: "multivariate_multivariatefeatureoption.string_value",
    },
    default_percentage_allocation: {
      description: "The percentage of identities it is served to in every environment, unless one says otherwise.",
      examples: [30],
    },
  },
  featureEnvironment: {
    enabled: {
      description:
        "Whether the feature is on in this environment, when the feature or the environment is created. Default: default_enabled.",
    },
    value: value("in this environment"),
    multivariate: allocations("in this environment"),
    segment_overrides:
      "Overrides for segments, in priority order (first = highest); new ones are added after those in place.",
    identity_overrides: "Overrides for identities of this environment (declared here or existing).",
  },
  segmentOverride: {
    segment: { description: "The segment of the feature's project the override is for.", examples: ["beta_users"] },
    enabled: enabled("for the segment"),
    value: value("for the segment"),
    multivariate: allocations("for the segment"),
  },
  identityOverride: {
    identifier: { description: "The identity the override is for.", examples: ["user-123"] },
    enabled: enabled("for the identity"),
    value: value("for the identity"),
  },
  rules_shape: {
    description:
      "How the rules are stored: dashboard (the default) in the shape Flagsmith's dashboard writes, with the same " +
      "meaning; as_written exactly as given (what export writes for rules in another shape).",
    default: "dashboard",
  },
} as const;
