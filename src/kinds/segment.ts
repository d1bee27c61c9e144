/** Segments of a project (segments_segment) with their rules: keyed by project and name. */
import { type KindSpec, type Reference, inProjectField, q } from "./spec.ts";
import { projectKey, SEP, type ProjectRef, type Sourced } from "./refs.ts";
import { inProject, projectFields, projectRef } from "./project.ts";
import type { Shown } from "./drift.ts";

export const OPERATORS = [
  "EQUAL",
  "NOT_EQUAL",
  "CONTAINS",
  "NOT_CONTAINS",
  "GREATER_THAN",
  "LESS_THAN",
  "GREATER_THAN_INCLUSIVE",
  "LESS_THAN_INCLUSIVE",
  "REGEX",
  "PERCENTAGE_SPLIT",
  "MODULO",
  "IN",
  "IS_SET",
  "IS_NOT_SET",
] as const;
export type Operator = (typeof OPERATORS)[number];

export const RULE_TYPES = ["ALL", "ANY", "NONE"] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export interface SegmentCondition {
  property: string | null;
  operator: Operator;
  /** Always a string when the operator takes a value (Flagsmith stores strings); null for IS_SET/IS_NOT_SET. */
  value: string | null;
  description: string | null;
}

export interface SegmentRule {
  type: RuleType;
  conditions: SegmentCondition[];
  rules: SegmentRule[];
}

export interface DesiredSegment extends Sourced {
  project: ProjectRef;
  name: string;
  /** undefined: not declared (created without one, and not compared with the database). */
  description?: string | null;
  /** Already in the dashboard's shape: one top-level ALL rule whose children hold the conditions. */
  rules: SegmentRule[];
}

/** Every condition of the rules, nested ones included. */
export function conditionsOf(rules: readonly SegmentRule[]): SegmentCondition[] {
  return rules.flatMap((rule) => [...rule.conditions, ...conditionsOf(rule.rules)]);
}

export const segmentKey = (project: ProjectRef, name: string): string => projectKey(project) + SEP + name;

export const segmentRef = (project: ProjectRef, name: string): Reference => ({
  kind: "segment",
  key: segmentKey(project, name),
  label: `segment ${q(name)} of project ${q(project.name)}`,
});

export const segment = {
  list: "segments",
  parents: [],
  noun: "segment",
  key: (e) => segmentKey(e.project, e.name),
  references: (e) => [projectRef(e.project)],
  label: (e) => ({
    text: `segment ${q(e.name)} ${inProject(e.project)}`,
    fields: { name: e.name, ...projectFields(e.project) },
  }),
  project: inProjectField<DesiredSegment>(),
  limited: (e) => [
    { columns: "segments_segment.name", value: e.name, what: () => `segment ${q(e.name)} name` },
    ...conditionsOf(e.rules).flatMap((c) => [
      {
        columns: "segments_condition.property",
        value: c.property,
        what: () => `segment ${q(e.name)} condition property`,
      },
      { columns: "segments_condition.value", value: c.value, what: () => `segment ${q(e.name)} condition value` },
    ]),
  ],
  compared: [
    { field: "description", value: (e) => e.description },
    { field: "rules", value: (e) => shownRules(e.rules) },
  ],
} as const satisfies KindSpec<"segment">;

/**
 * Rules as compared and shown: the tree in Flagsmith's order (by id), each rule's type, conditions and child rules,
 * empty lists and absent parts left out so that a line stays readable. What does not change the meaning is
 * dropped: the value of IS_SET/IS_NOT_SET (never evaluated) and an empty description.
 */
export function shownRules(rules: readonly SegmentRule[]): Shown[] {
  return rules.map((rule) => ({
    type: rule.type,
    ...(rule.conditions.length > 0 && { conditions: rule.conditions.map(shownCondition) }),
    ...(rule.rules.length > 0 && { rules: shownRules(rule.rules) }),
  }));
}

function shownCondition(c: SegmentCondition): Shown {
  const takesValue = c.operator !== "IS_SET" && c.operator !== "IS_NOT_SET";
  return {
    ...(c.property !== null && { property: c.property }),
    operator: c.operator,
    ...(takesValue && c.value !== null && { value: c.value }),
    ...(c.description !== null && c.description !== "" && { description: c.description }),
  };
}
