import { toDashboardShape as dashboardShapeOf, type SegmentCondition, type SegmentRule } from "../kinds/index.ts";
import type { ConditionSpec, RuleSpec } from "./schema.ts";

/**
 * Rules as written → the shape Flagsmith's dashboard builds (kinds/segment-shape.ts): ONE top-level ALL rule whose
 * child ANY/NONE rules hold the conditions, with the meaning unchanged.
 */
export function toDashboardShape(rules: readonly RuleSpec[]): SegmentRule[] {
  return dashboardShapeOf(rules.map(asWritten));
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
