/**
 * The flag-content fields of the file format (contract §5): project and environment settings, tags, and a
 * feature's tags, owners, multivariate options and per-environment content. schema.ts spreads them into its
 * project, environment and feature entries.
 */
import * as v from "valibot";
import { CONTENT_DOCS } from "./schema-docs-content.ts";
import { json, textMatching, upTo } from "./json-form.ts";
import {
  bool,
  email,
  encodeProblem,
  list,
  name,
  reportingSkippedKeys,
  scalar,
  strict,
  text,
  describe,
  wrongType,
} from "./fields.ts";

/** A whole percentage, 0–100 (a number or a numeric string, for `${VAR}`): a multivariate allocation. */
const percent = v.pipe(
  v.union([v.number(), v.string()], wrongType("a whole percentage from 0 to 100", "write a number such as 25")),
  json({
    ...textMatching(`^\\s*0*(?:${upTo(100)})\\s*$`, "a whole percentage from 0 to 100", ["integer"]),
    minimum: 0,
    maximum: 100,
  }),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const raw = dataset.value;
    // Any number is read as one, so -5 or 12.5 is out of range (not a whole 0–100), not of the wrong type.
    const value = typeof raw === "number" ? raw : /^\s*-?\d+(?:\.\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isInteger(value) && value >= 0 && value <= 100) return value;
    addIssue({
      message: encodeProblem({
        rule: Number.isFinite(value) ? "out-of-range" : "wrong-type",
        message: `{field} must be a whole percentage from 0 to 100, got ${describe(raw)}`,
        hint: "write a number such as 25",
      }),
    });
    return NEVER;
  }),
);

const optional = <T extends v.GenericSchema>(schema: T) => v.nullish(schema);

/**
 * A mapping from names the user chooses (environments, option values) to `item`. valibot reads a list as a
 * mapping of its indexes ("0" must be …): a list is refused as such first, in the record's own run (so the JSON
 * Schema still shows the record).
 */
const keyed = <T extends v.GenericSchema>(item: T, what: string) => {
  const record = v.record(v.string(), item, (issue) =>
    encodeProblem({
      rule: "wrong-type",
      message: `{field} must be a mapping of ${what}, got ${describe(issue.input)}`,
      hint: 'write "name: …" lines',
    }),
  );
  const run = record["~run"].bind(record);
  const notList: typeof record = {
    ...record,
    "~run"(dataset, config) {
      if (!Array.isArray(dataset.value)) return run(dataset, config);
      const issue = { kind: "schema", type: "record", input: dataset.value, expected: "Object", received: "Array" };
      const message = encodeProblem({
        rule: "wrong-type",
        message: `{field} must be a mapping of ${what}, got a list`,
        hint: 'write "name: …" lines, not a list',
      });
      return { typed: false, value: dataset.value, issues: [{ ...issue, message }] } as unknown as ReturnType<
        typeof run
      >;
    },
  };
  return optional(
    reportingSkippedKeys(
      notList,
      encodeProblem({
        rule: "reserved-key",
        message: "{field} cannot be used as a name here",
        hint: "rename it",
        atKey: true,
      }),
    ),
  );
};

/** Project settings, applied when the project is created (projects_project columns). */
export const projectSettingEntries = {
  hide_disabled_flags: optional(bool),
  enforce_feature_owners: optional(bool),
  feature_name_regex: optional(text),
  only_allow_lower_case_feature_names: optional(bool),
  prevent_flag_defaults: optional(bool),
};

const TagSchema = strict(
  { label: name, color: optional(text), description: optional(text) },
  "a tag",
  CONTENT_DOCS.tag,
);
export const projectContentEntries = { ...projectSettingEntries, tags: list(TagSchema, "tags") };

/** Environment settings, applied when the environment is created (environments_environment columns). */
export const environmentSettingEntries = {
  hide_disabled_flags: optional(bool),
  allow_client_traits: optional(bool),
  banner_text: optional(text),
  banner_colour: optional(text),
  use_identity_composite_key_for_hashing: optional(bool),
  use_identity_overrides_in_local_eval: optional(bool),
  hide_sensitive_data: optional(bool),
  use_v2_feature_versioning: optional(bool),
};

const allocations = keyed(percent, "option values to percentages");

const SegmentOverrideSchema = strict(
  { segment: name, enabled: optional(bool), value: optional(scalar), multivariate: allocations },
  "a segment override",
  CONTENT_DOCS.segmentOverride,
);
const IdentityOverrideSchema = strict(
  { identifier: name, enabled: optional(bool), value: optional(scalar) },
  "an identity override",
  CONTENT_DOCS.identityOverride,
);
const FeatureEnvironmentSchema = strict(
  {
    enabled: optional(bool),
    value: optional(scalar),
    multivariate: allocations,
    segment_overrides: list(SegmentOverrideSchema, "segment overrides"),
    identity_overrides: list(IdentityOverrideSchema, "identity overrides"),
  },
  "a feature's environment",
  CONTENT_DOCS.featureEnvironment,
);
const MultivariateOptionSchema = strict(
  { value: scalar, default_percentage_allocation: percent },
  "a multivariate option",
  CONTENT_DOCS.multivariateOption,
);

export const featureContentEntries = {
  is_server_key_only: optional(bool),
  tags: list(name, "tag labels"),
  owners: list(email, "emails"),
  group_owners: list(name, "group names"),
  multivariate_options: list(MultivariateOptionSchema, "multivariate options"),
  environments: keyed(FeatureEnvironmentSchema, "environment names to their content"),
};
