import type { SegmentCondition, SegmentRule } from "../kinds/index.ts";
import type { ConditionSpec, RuleSpec } from "./schema.ts";

/**
 * Rules as written → the shape Flagsmith's dashboard builds (frontend CreateSegment.tsx): ONE top-level ALL rule
 * whose child ANY/NONE rules hold the conditions. Meaning is unchanged: ALL[c1, c2] → ALL[ANY[c1], ANY[c2]];
 * ANY[c1, c2] → ALL[ANY[c1, c2]]; NONE[c1, c2] → ALL[NONE[c1, c2]]; nested rules are kept as written; a rule
 * already in that shape (ALL without conditions) is kept. Several top-level rules all had to match, so their
 * children are merged into the one ALL.
 */
export function toDashboardShape(rules: readonly RuleSpec[]): SegmentRule[] {
  const children: SegmentRule[] = [];
  for (const rule of rules) children.push(...childrenOf(rule));
  return [{ type: "ALL", conditions: [], rules: children }];
}

function childrenOf(rule: RuleSpec): SegmentRule[] {
  const conditions = (rule.conditions ?? []).map(toCondition);
  const nested = (rule.rules ?? []).map(asWritten);
  if (rule.type === "ALL")
    return [...conditions.map((c): SegmentRule => ({ type: "ANY", conditions: [c], rules: [] })), ...nested];
  // ANY/NONE keep their meaning only as one unit; with nested rules this goes a level deeper (rules.ts checks depth).
  return [{ type: rule.type, conditions, rules: nested }];
}

/** A rule kept exactly as written. */
export function asWritten(rule: RuleSpec): SegmentRule {
  return {
    type: rule.type,
    conditions: (rule.conditions ?? []).map(toCondition),
    rules: (rule.rules ?? []).map(asWritten),
  };
}

/** Flagsmith stores every value as text; a YAML list (for IN) becomes Flagsmith's comma list. */
export function toCondition(condition: ConditionSpec): SegmentCondition {
  const takesValue = condition.operator !== "IS_SET" && condition.operator !== "IS_NOT_SET";
  const raw = condition.value;
  const value = !takesValue || raw === undefined || raw === null ? null : Array.isArray(raw) ? raw.join(",") : raw;
  return {
    property: condition.property ?? null,
    operator: condition.operator,
    value,
    description: condition.description ?? null,
  };
}
