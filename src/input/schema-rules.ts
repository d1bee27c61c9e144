/** The schema of segment rules and their conditions, as written in the files (recursive). */
import * as v from "valibot";
import { OPERATORS, RULE_TYPES, type Operator, type RuleType } from "../kinds/index.ts";
import { encodeProblem, list, oneOf, scalar, strict, text } from "./fields.ts";

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

const ConditionSchema = strict(
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
) as unknown as v.GenericSchema<unknown, RuleSpec>;
