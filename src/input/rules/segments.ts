import type { Issue } from "../../errors.ts";
import type { Path } from "../load.ts";
import type { CheckedFile } from "../resolve.ts";
import type { ConditionSpec, RuleSpec, SegmentSpec } from "../schema.ts";
import { pythonRegExp } from "./python-regex.ts";

/** Flagsmith's SEGMENT_RULES_CONDITIONS_LIMIT default (app/settings/common.py). */
export const MAX_CONDITIONS = 100;
/** The operators ":semver" values work with. */
export const COMPARISONS = [
  "EQUAL",
  "NOT_EQUAL",
  "GREATER_THAN",
  "GREATER_THAN_INCLUSIVE",
  "LESS_THAN",
  "LESS_THAN_INCLUSIVE",
] as const;
const COMPARING = new Set<string>(COMPARISONS);
export const NUMBER = /^-?\d+(\.\d+)?$/;
export const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Segment rules Flagsmith's API would refuse (segments/serializers.py) or whose values could never match. */
export function checkSegments({ file, spec }: CheckedFile): Issue[] {
  const issues: Issue[] = [];
  const check = (segment: SegmentSpec | Omit<SegmentSpec, "project" | "organisation">, path: Path) => {
    const issue = (at: Path, rule: string, message: string, hint: string) =>
      issues.push({ rule, message, position: file.at(at), hint });
    if (segment.rules.length === 0)
      issue(
        [...path, "rules"],
        "empty-segment",
        `segment "${segment.name}" has no rules`,
        "add at least one rule, e.g. {type: ALL, conditions: [...]}",
      );
    let conditions = 0;
    segment.rules.forEach((top, i) => {
      const topPath = [...path, "rules", i];
      // Depth as stored (segment-shape.ts): an ALL rule's nested rules sit at level 2, an ANY/NONE rule's at level 3.
      const level2 =
        top.type === "ALL"
          ? (top.rules ?? []).map((r, j) => ({ rule: r, path: [...topPath, "rules", j] }))
          : [{ rule: top, path: topPath }];
      for (const { rule, path: at } of level2) {
        if (rule.rules?.length) {
          issue(
            [...at, "rules", 0],
            "too-deep-rules",
            "segment rules are nested too deeply: Flagsmith allows a top-level rule whose rules hold only conditions",
            "move these conditions up one level (an ANY or NONE rule inside the top-level ALL rule)",
          );
        }
      }
      conditions += countConditions(top);
      walkConditions(top, topPath, (condition, at) => checkCondition(condition, at, issue));
    });
    if (conditions > MAX_CONDITIONS) {
      issue(
        path,
        "too-many-conditions",
        `segment "${segment.name}" has ${conditions} conditions; Flagsmith allows at most ${MAX_CONDITIONS}`,
        "split it into several segments",
      );
    }
  };
  (spec.projects ?? []).forEach((project, i) =>
    (project.segments ?? []).forEach((segment, j) => check(segment, ["projects", i, "segments", j])),
  );
  (spec.segments ?? []).forEach((segment, i) => check(segment, ["segments", i]));
  return issues;
}

function countConditions(rule: RuleSpec): number {
  return (rule.conditions?.length ?? 0) + (rule.rules ?? []).reduce((sum, r) => sum + countConditions(r), 0);
}

function walkConditions(rule: RuleSpec, path: Path, visit: (condition: ConditionSpec, path: Path) => void): void {
  (rule.conditions ?? []).forEach((condition, i) => visit(condition, [...path, "conditions", i]));
  (rule.rules ?? []).forEach((child, i) => walkConditions(child, [...path, "rules", i], visit));
}

type Report = (at: Path, rule: string, message: string, hint: string) => void;

function checkCondition(condition: ConditionSpec, path: Path, issue: Report): void {
  const { operator, value } = condition;
  const valuePath = [...path, "value"];
  if (operator === "IS_SET" || operator === "IS_NOT_SET") {
    if (value != null) issue(valuePath, "unexpected-value", `${operator} takes no value`, "remove value:");
    return;
  }
  if (value == null || value === "") {
    issue(path, "missing-value", `${operator} needs a value`, "add value: …");
    return;
  }
  if (Array.isArray(value)) {
    if (operator !== "IN")
      issue(valuePath, "unexpected-list", `only IN takes a list of values, not ${operator}`, "give a single value");
    else if (value.some((item) => item.includes(",")))
      issue(
        valuePath,
        "bad-in-value",
        "an IN value item contains a comma; Flagsmith splits IN values on commas",
        "remove the comma from the item",
      );
    return;
  }
  if (operator === "MODULO") {
    const [divisor, remainder, extra] = value.split("|");
    if (extra !== undefined || !NUMBER.test(divisor ?? "") || !NUMBER.test(remainder ?? "") || Number(divisor) === 0) {
      issue(
        valuePath,
        "bad-modulo-value",
        `MODULO value must be "divisor|remainder" with numbers, got "${value}"`,
        'e.g. value: "2|0" (even numbers)',
      );
    }
  } else if (operator === "PERCENTAGE_SPLIT") {
    if (!NUMBER.test(value) || Number(value) < 0 || Number(value) > 100) {
      issue(
        valuePath,
        "bad-percentage-value",
        `PERCENTAGE_SPLIT value must be a number from 0 to 100, got "${value}"`,
        'e.g. value: "25"',
      );
    }
  } else if (operator === "REGEX") {
    try {
      pythonRegExp(value);
    } catch (error) {
      issue(
        valuePath,
        "bad-regex",
        `REGEX value does not compile: ${(error as Error).message}`,
        "fix the regular expression (Python re syntax)",
      );
    }
  }
  if (value.endsWith(":semver")) {
    if (!COMPARING.has(operator))
      issue(
        valuePath,
        "bad-semver",
        `":semver" only works with comparison operators, not ${operator}`,
        `use one of ${COMPARISONS.join(", ")}`,
      );
    else if (!SEMVER.test(value.slice(0, -":semver".length)))
      issue(
        valuePath,
        "bad-semver",
        `"${value}" is not a semantic version followed by ":semver"`,
        'e.g. value: "1.2.3:semver"',
      );
  }
}
