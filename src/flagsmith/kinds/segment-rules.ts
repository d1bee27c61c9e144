/**
 * The stored rule trees of found segments (segments_segmentrule + segments_condition), read back into the desired
 * state's SegmentRule shape so that drift compares trees: rules and conditions in Flagsmith's order (by id), as the
 * API serialises them. Soft-deleted rules and conditions (the dashboard's edits) are not part of a segment.
 */
import type { Operator, RuleType, SegmentCondition, SegmentRule } from "../../kinds/index.ts";
import type { Sql } from "../context.ts";

type StoredRule = {
  id: number;
  segment_id: number;
  parent_id: number | null;
  type: RuleType;
  conditions: SegmentCondition[];
};

/** The rule tree of each segment (by id), in one query for all of them; a segment without rules maps to []. */
export async function readRuleTrees(sql: Sql, segmentIds: number[]): Promise<Map<number, SegmentRule[]>> {
  const trees = new Map<number, SegmentRule[]>(segmentIds.map((id) => [id, []]));
  if (segmentIds.length === 0) return trees;
  const rows = await sql<StoredRule[]>`
    with recursive tree as (
      select r.id, r.segment_id, null::int as parent_id, r.type from segments_segmentrule r
      where r.segment_id = any(${segmentIds}::int[]) and r.deleted_at is null
      union all
      select r.id, t.segment_id, r.rule_id, r.type from segments_segmentrule r
      join tree t on r.rule_id = t.id
      where r.deleted_at is null
    )
    select t.id, t.segment_id, t.parent_id, t.type,
      coalesce((select jsonb_agg(jsonb_build_object('property', c.property, 'operator', c.operator,
                  'value', c.value, 'description', c.description) order by c.id)
                from segments_condition c where c.rule_id = t.id and c.deleted_at is null), '[]') as conditions
    from tree t order by t.id`;
  const byId = new Map<number, SegmentRule>(
    rows.map((row) => [
      row.id,
      {
        type: row.type,
        conditions: row.conditions.map((c) => ({ ...c, operator: c.operator as Operator })),
        rules: [],
      },
    ]),
  );
  // In id order, children after the nodes exist: siblings end up in id order whatever the parents' ids.
  for (const row of rows) {
    const siblings = row.parent_id === null ? trees.get(row.segment_id)! : byId.get(row.parent_id)!.rules;
    siblings.push(byId.get(row.id)!);
  }
  return trees;
}
