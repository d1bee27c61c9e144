/**
 * The stored rule trees of found segments (segments_segmentrule + segments_condition), read back into the desired
 * state's SegmentRule shape so that drift compares trees: rules and conditions in Flagsmith's order (by id), as the
 * API serialises them. Soft-deleted rules and conditions (the dashboard's edits) are not part of a segment.
 */
import type { Operator, RuleType, SegmentRule } from "../../kinds/index.ts";
import type { Sql } from "../context.ts";

/** One row per condition of a rule, or one with null condition columns for a rule without conditions. */
type StoredRuleRow = {
  id: number;
  segment_id: number;
  parent_id: number | null;
  type: RuleType;
  property: string | null;
  operator: string | null;
  value: string | null;
  description: string | null;
  has_condition: boolean;
};

/**
 * The rule tree of each segment (by id), in one query for all of them; a segment without rules maps to []. Rules
 * and their conditions come back as flat rows (a join, not an aggregate per rule: 4k rules took 35 ms that way).
 */
export async function readRuleTrees(sql: Sql, segmentIds: number[]): Promise<Map<number, SegmentRule[]>> {
  const trees = new Map<number, SegmentRule[]>(segmentIds.map((id) => [id, []]));
  if (segmentIds.length === 0) return trees;
  const rows = await sql<StoredRuleRow[]>`
    with recursive tree as (
      select r.id, r.segment_id, null::int as parent_id, r.type, 0 as depth from segments_segmentrule r
      where r.segment_id = any(${segmentIds}::int[]) and r.deleted_at is null
      union all
      select r.id, t.segment_id, r.rule_id, r.type, t.depth + 1 from segments_segmentrule r
      join tree t on r.rule_id = t.id
      where r.deleted_at is null
    )
    select t.id, t.segment_id, t.parent_id, t.type, c.property, c.operator, c.value, c.description,
      c.id is not null as has_condition
    from tree t left join segments_condition c on c.rule_id = t.id and c.deleted_at is null
    order by t.depth, t.id, c.id`;
  const byId = new Map<number, SegmentRule>();
  // Level by level, so a rule's parent is always known here (a rule re-parented in the dashboard can have a lower id
  // than its parent); within a level in id order, so siblings end up in id order (the order they were created in).
  for (const row of rows) {
    let rule = byId.get(row.id);
    if (!rule) {
      rule = { type: row.type, conditions: [], rules: [] };
      byId.set(row.id, rule);
      const siblings = row.parent_id === null ? trees.get(row.segment_id)! : byId.get(row.parent_id)!.rules;
      siblings.push(rule);
    }
    if (row.has_condition)
      rule.conditions.push({
        property: row.property,
        operator: row.operator as Operator,
        value: row.value,
        description: row.description,
      });
  }
  return trees;
}
