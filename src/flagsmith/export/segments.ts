/**
 * Live segments of the exported projects with their rule trees exactly as stored (the renderer decides whether the
 * shorthand reproduces them): one query for the segments, one for every rule (any depth), one for the conditions.
 * A segment a file cannot declare (an operator or rule type the format does not know, a condition without the
 * value its operator needs) is left out with a note, and so are the overrides that name it.
 */
import {
  IN_DATABASE,
  OPERATORS,
  RULE_TYPES,
  type Operator,
  type RuleType,
  type SegmentCondition,
  type SegmentRule,
} from "../../kinds/index.ts";
import { idsOf, quoted, type Reading } from "./reading.ts";

type RuleRow = { id: number; segment_id: number | null; rule_id: number | null; type: string };
type ConditionRow = {
  rule_id: number;
  property: string | null;
  operator: string;
  value: string | null;
  description: string | null;
};

const NO_VALUE = new Set(["IS_SET", "IS_NOT_SET"]);

export async function readSegments(r: Reading): Promise<void> {
  const segments = await r.sql<
    { id: number; project_id: number; name: string; description: string | null; feature: boolean; system: boolean }[]
  >`
    select id, project_id, name, description, feature_id is not null as feature, is_system_segment as system
    from segments_segment
    where project_id = any(${idsOf(r.projects)}::int[]) and deleted_at is null and id = version_of_id order by id`;
  const segmentIds = segments.map((s) => s.id);
  const rules = await r.sql<RuleRow[]>`
    with recursive tree as (
      select id, segment_id, rule_id, type, 0 as depth from segments_segmentrule
      where segment_id = any(${segmentIds}::int[]) and deleted_at is null
      union all
      select c.id, c.segment_id, c.rule_id, c.type, t.depth + 1 from segments_segmentrule c join tree t on c.rule_id = t.id
      where c.deleted_at is null)
    select id, segment_id, rule_id, type from tree order by depth, id`;
  const conditions = await r.sql<ConditionRow[]>`
    select rule_id, property, operator, value, description from segments_condition
    where rule_id = any(${rules.map((x) => x.id)}::int[]) and deleted_at is null order by id`;

  const problems = new Map<number, string>();
  const built = buildTrees(rules, conditions, (segment, problem) => problems.set(segment, problem));
  const names = new Set<string>();
  for (const s of segments) {
    const project = r.projects.get(s.project_id)!.ref;
    const what = `${quoted(s.name)} in ${quoted(project.name)}`;
    const problem = problems.get(s.id);
    if (s.system || problem || names.has(`${s.project_id}\u0000${s.name}`)) {
      const why = s.system
        ? "system segments"
        : problem
          ? `segments with ${problem}`
          : "segments sharing their name with an older one";
      r.notes.add(project.organisation, `${why} (left out, with their overrides)`, what);
      continue;
    }
    if (s.feature) r.notes.add(project.organisation, "feature-specific segments (exported as project segments)", what);
    const rules = built.get(s.id) ?? [];
    // A file's segment has at least one rule; the closest is one empty ALL rule (it matches every identity, as none does).
    if (rules.length === 0)
      r.notes.add(project.organisation, "segments without rules (given one empty ALL rule)", what);
    names.add(`${s.project_id}\u0000${s.name}`);
    r.segments.set(s.id, s.name);
    r.desired.segments.push({
      project,
      name: s.name,
      description: s.description,
      rules: rules.length ? rules : [{ type: "ALL", conditions: [], rules: [] }],
      source: IN_DATABASE,
    });
  }
}

/** Each segment's rule tree, children and conditions in id order (the order they were created in). */
function buildTrees(
  rows: RuleRow[],
  conditions: ConditionRow[],
  problem: (segment: number, what: string) => void,
): Map<number, SegmentRule[]> {
  const byId = new Map<number, { rule: SegmentRule; segment: number }>();
  const trees = new Map<number, SegmentRule[]>();
  for (const row of rows) {
    // Level by level, so a parent is always known here; siblings in id order (the order they were created in).
    const parent = row.rule_id === null ? null : byId.get(row.rule_id);
    const segment = row.segment_id ?? parent?.segment;
    if (segment === undefined) continue;
    if (!(RULE_TYPES as readonly string[]).includes(row.type))
      problem(segment, `a rule type the format does not know (${row.type})`);
    const rule: SegmentRule = { type: row.type as RuleType, conditions: [], rules: [] };
    byId.set(row.id, { rule, segment });
    if (parent) parent.rule.rules.push(rule);
    else trees.set(segment, [...(trees.get(segment) ?? []), rule]);
  }
  for (const c of conditions) {
    const owner = byId.get(c.rule_id);
    if (!owner) continue;
    if (!(OPERATORS as readonly string[]).includes(c.operator))
      problem(owner.segment, `an operator the format does not know (${c.operator})`);
    else if (!NO_VALUE.has(c.operator) && (c.value === null || c.value === ""))
      problem(owner.segment, `a ${c.operator} condition without a value`);
    owner.rule.conditions.push(condition(c));
  }
  return trees;
}

function condition(c: ConditionRow): SegmentCondition {
  return {
    property: c.property,
    operator: c.operator as Operator,
    // IS_SET and IS_NOT_SET take no value; an empty one is no value.
    value: NO_VALUE.has(c.operator) && c.value === "" ? null : c.value,
    description: c.description,
  };
}
