/** The schema of segment rules and their conditions, as written in the files (recursive). */
import * as v from "valibot";
import { OPERATORS, RULE_TYPES, type Operator, type RuleType } from "../kinds/index.ts";
import { encodeProblem, list, oneOf, scalar, strict, text } from "./fields.ts";
import { annotate, INTERPOLATED, textMatching, type Keywords } from "./json-form.ts";
import { COMPARISONS, NUMBER, SEMVER } from "./rules/segments.ts";
import { PROJECT_DOCS } from "./schema-docs-projects.ts";

const optional = <T extends v.GenericSchema>(schema: T) => v.nullish(schema);
const description = optional(text);

/** A condition as written; `value` is a scalar, or a YAML list for IN. */
export interface ConditionSpec {
  property?: string | null;
  operator: Operator;
  value?: string | string[] | null;
  description?: string | null;
}
/** A rule as written. */
export interface RuleSpec {
  type: RuleType;
  conditions?: ConditionSpec[] | null;
  rules?: RuleSpec[] | null;
}

/**
 * The checks of a condition's value by operator (rules/segments.ts), for editors: what a JSON Schema can say of
 * them (not whether a REGEX compiles). A condition whose operator is a `${…}` is only known at run time.
 */
const sourceOf = (pattern: RegExp) => pattern.source.slice(1, -1); // without ^ and $
const operatorIs = (operators: readonly string[]) => ({
  properties: { operator: { enum: [...operators] } },
  required: ["operator"],
});
const withValue = (value: Keywords) => ({ properties: { value } });
const TAKE_NO_VALUE = ["IS_SET", "IS_NOT_SET"];
const TAKE_VALUE = OPERATORS.filter((operator) => !TAKE_NO_VALUE.includes(operator));
// MODULO: two numbers, the divisor not zero (some digit of it is not 0).
const MODULO = `^(?=-?[0-9.]*[1-9])${sourceOf(NUMBER)}\\|${sourceOf(NUMBER)}$`;
// PERCENTAGE_SPLIT: a number from 0 to 100 (-0 included).
const PERCENT = "^(?:-0+(?:\\.0+)?|0*\\d{1,2}(?:\\.\\d+)?|0*100(?:\\.0+)?)$";
const CONDITION_VALUES: Keywords = {
  allOf: [
    {
      if: operatorIs(TAKE_NO_VALUE),
      then: withValue({ type: "null", errorMessage: "IS_SET and IS_NOT_SET take no value" }),
    },
    {
      if: operatorIs(TAKE_VALUE),
      then: {
        required: ["value"],
        ...withValue({ type: ["string", "number", "boolean", "array"], minLength: 1, errorMessage: "needs a value" }),
      },
    },
    {
      if: operatorIs(TAKE_VALUE.filter((operator) => operator !== "IN")),
      then: withValue({
        type: ["string", "number", "boolean", "null"],
        errorMessage: "only IN takes a list of values",
      }),
    },
    {
      // Flagsmith splits IN values on commas.
      if: operatorIs(["IN"]),
      then: withValue({
        items: { pattern: `^[^,]*$|${INTERPOLATED}`, patternErrorMessage: "an item cannot hold a comma" },
      }),
    },
    { if: operatorIs(["MODULO"]), then: withValue(textMatching(MODULO, '"divisor|remainder", e.g. "2|0"')) },
    {
      if: operatorIs(["PERCENTAGE_SPLIT"]),
      then: withValue({
        ...textMatching(PERCENT, "a number from 0 to 100", ["number"]),
        minimum: 0,
        maximum: 100,
      }),
    },
    {
      if: operatorIs(COMPARISONS),
      then: withValue({
        pattern: `^(?![\\s\\S]*:semver$)|^${sourceOf(SEMVER)}:semver$|${INTERPOLATED}`,
        patternErrorMessage: 'a semantic version before ":semver", e.g. "1.2.3:semver"',
      }),
    },
    {
      if: operatorIs(TAKE_VALUE.filter((operator) => !(COMPARISONS as readonly string[]).includes(operator))),
      then: withValue({
        pattern: "^(?![\\s\\S]*:semver$)",
        patternErrorMessage: `":semver" only works with ${COMPARISONS.join(", ")}`,
      }),
    },
  ],
};

const ConditionSchema = annotate(
  strict(
    {
      property: optional(text),
      operator: oneOf(OPERATORS, "bad-operator"),
      value: optional(
        v.union([scalar, v.array(scalar)], (issue) =>
          encodeProblem({
            rule: "wrong-type",
            message: `{field} must be a single value (or a list, for IN)`,
            hint: `got ${issue.received}`,
          }),
        ),
      ),
      description,
    },
    "a condition",
    PROJECT_DOCS.condition,
  ),
  CONDITION_VALUES,
);
/** A segment rule (recursive). */
export const RuleSchema: v.GenericSchema<unknown, RuleSpec> = strict(
  {
    type: oneOf(RULE_TYPES, "bad-rule-type"),
    conditions: list(ConditionSchema, "conditions"),
    rules: list(
      v.lazy(() => RuleSchema),
      "rules",
    ),
  },
  "a segment rule",
  PROJECT_DOCS.rule,
) as unknown as v.GenericSchema<unknown, RuleSpec>;

/**
 * A segment's rules, at least one. How deep they nest as stored (rules/segments.ts): a top-level ALL rule's rules
 * hold only conditions, an ANY or NONE rule holds only conditions (`${…}` types are taken as ALL).
 */
const NO_RULES = { type: ["null", "array"], maxItems: 0 };
export const SegmentRulesSchema = annotate(
  v.array(
    RuleSchema,
    encodeProblem({
      rule: "wrong-type",
      message: "{field} must be a list of rules",
      hint: "e.g. rules: [{type: ALL, conditions: [...]}]",
    }),
  ),
  {
    minItems: 1,
    allOf: [
      {
        items: {
          if: { properties: { type: { enum: ["ANY", "NONE"] } }, required: ["type"] },
          then: { properties: { rules: NO_RULES } },
          else: { properties: { rules: { items: { properties: { rules: NO_RULES } } } } },
        },
      },
    ],
  },
);
