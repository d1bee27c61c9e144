/**
 * Segments with their rules and conditions (WRITES.md §1.9), written as the API's
 * SegmentSerializer.create does: version 1, version_of_id = its own id (else Segment.live_objects
 * hides it), rules_data, and rule/condition ids ascending in drf-writable-nested's order.
 */
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import {
  IN_DATABASE,
  segmentKey,
  type DesiredSegment,
  type SegmentRule,
  type Existing,
  type Sourced,
} from "../../kinds/index.ts";
import type { KindModule, Sql, WriteContext } from "../context.ts";
import { insertBatch } from "../sql/batch.ts";
import { guardWrite } from "../sql/write-error.ts";
import { inBoundProjects } from "../sql/lookups.ts";
import {
  findInProjects,
  recordFoundInProjects,
  scopedName,
  type RowInProject,
  type ScopedName,
} from "../sql/find-in-projects.ts";
import { readRuleTrees } from "./segment-rules.ts";
import { projectIdOf, touch } from "./environment.ts";
import { copyToHistory } from "../sql/history.ts";

/**
 * Live (id = version_of_id), non-deleted segments with the wanted names in the wanted projects, in one query.
 * Flagsmith indexes segments by project only, and a project holds few (500 by default): reading the wanted
 * names across the wanted projects and keeping the wanted pairs beats a probe per name.
 */
function findSegments(sql: Sql, names: ScopedName[], existing: Existing) {
  return findInProjects(
    names,
    existing,
    (projectIds, wanted) => sql<(RowInProject & { description: string | null })[]>`
      select project_id, name, id, description from segments_segment
      where project_id = any(${[...new Set(projectIds)]}::int[]) and name = any(${[...new Set(wanted)]}::text[])
        and deleted_at is null and id = version_of_id`,
  );
}

/** The rule tree as `_get_clean_rules_and_conditions` stores it in rules_data (nested rules carry "rules": [] too). */
export function rulesData(rules: SegmentRule[]): unknown[] {
  return rules.map((rule) => ({
    type: rule.type,
    rules: rulesData(rule.rules),
    conditions: rule.conditions.map((c) => ({
      property: c.property,
      operator: c.operator,
      value: c.value,
      description: c.description,
    })),
  }));
}

type RuleRow = { id: number; segment_id: number | null; rule_id: number | null; type: string };
type ConditionRow = {
  rule_id: number;
  operator: string;
  property: string | null;
  value: string | null;
  description: string | null;
};

/**
 * Rules and conditions in API insertion order: a rule, then its child rules (each followed by its
 * own conditions), then the rule's own conditions. Rule ids are taken in order from `ruleIds`.
 */
export function flattenRules(
  segments: { id: number; rules: SegmentRule[] }[],
  ruleIds: number[],
): { rules: RuleRow[]; conditions: ConditionRow[] } {
  const rules: RuleRow[] = [];
  const conditions: ConditionRow[] = [];
  const visit = (rule: SegmentRule, owner: { segment_id: number | null; rule_id: number | null }) => {
    const id = ruleIds[rules.length]!;
    rules.push({ id, ...owner, type: rule.type });
    for (const child of rule.rules) visit(child, { segment_id: null, rule_id: id });
    for (const c of rule.conditions)
      conditions.push({
        rule_id: id,
        operator: c.operator,
        property: c.property,
        value: c.value,
        description: c.description,
      });
  };
  for (const segment of segments)
    for (const rule of segment.rules) visit(rule, { segment_id: segment.id, rule_id: null });
  return { rules, conditions };
}

const countRules = (rules: SegmentRule[]): number => rules.reduce((n, r) => n + 1 + countRules(r.rules), 0);

/** Draws ids from both sequences up front, so version_of_id and parent rule ids are known before inserting. */
async function drawIds(sql: Sql, segments: number, rules: number): Promise<{ segments: number[]; rules: number[] }> {
  const [row] = await sql<{ segments: number[]; rules: number[] }[]>`
    select
      array(select nextval((select pg_get_serial_sequence('public.segments_segment', 'id'))::regclass) from generate_series(1, ${segments}::int) order by 1)::int[] as segments,
      array(select nextval((select pg_get_serial_sequence('public.segments_segmentrule', 'id'))::regclass) from generate_series(1, ${rules}::int) order by 1)::int[] as rules`;
  return row!;
}

async function insertSegments(
  ctx: WriteContext,
  entities: DesiredSegment[],
  projectIds: number[],
  ids: number[],
): Promise<void> {
  const { sql, present } = ctx;
  const hasRulesData = present.has("segments_segment.rules_data");
  const rows: Record<string, unknown>[] = entities.map((s, i) => ({
    id: ids[i]!,
    version_of_id: ids[i]!,
    name: s.name,
    description: s.description ?? null,
    project_id: projectIds[i]!,
    ...(hasRulesData ? { rules_data: rulesData(s.rules) } : {}),
  }));
  await insertBatch(
    sql,
    {
      table: "segments_segment",
      columns: {
        id: "int",
        version_of_id: "int",
        name: "text",
        description: "text",
        project_id: "int",
        ...(hasRulesData ? { rules_data: "jsonb" } : {}),
      },
      computed: {
        uuid: "gen_random_uuid()",
        version: "1",
        created_at: "now()",
        updated_at: "now()",
        is_system_segment: "false",
        // SegmentManagedBy.UNMANAGED
        ...(present.has("segments_segment.managed_by") ? { managed_by: "''" } : {}),
      },
    },
    rows,
  );
  // Captured by Flagsmith right after the INSERT, before the version_of_id self-update: NULL there.
  await copyToHistory(ctx, { table: "segments_segment", historyTable: "segments_historicalsegment" }, ids);
}

/** Condition ids are generated on insert, so their history rows are copied by owning rule. */
async function copyConditionsToHistory(ctx: WriteContext, ruleIds: number[]): Promise<void> {
  if (ruleIds.length === 0) return;
  const [row] = await ctx.sql<
    { ids: number[] }[]
  >`select coalesce(array_agg(id order by id), '{}') as ids from segments_condition where rule_id = any(${ruleIds}::int[])`;
  await copyToHistory(ctx, { table: "segments_condition", historyTable: "segments_historicalcondition" }, row!.ids);
}

export const segments: KindModule<"segment"> = {
  async read(sql, desired, existing) {
    const wanted = [
      ...desired.segments.map((s) => ({ name: scopedName(s.project, s.name), at: s as Sourced })),
      ...desired.segmentOverrides.map((o) => ({ name: scopedName(o.environment.project, o.segment), at: o })),
    ];
    const rows = await findSegments(
      sql,
      wanted.map((w) => w.name),
      existing,
    );
    const ids = recordFoundInProjects(rows, wanted, { noun: "segment", key: segmentKey });
    // What drift compares, for the declared segments only (overrides merely name theirs): one more query.
    const declared = new Set(
      inBoundProjects("segment", desired.segments, existing).map((s) => segmentKey(s.project, s.name)),
    );
    const found = rows.filter((r) =>
      declared.has(segmentKey({ organisation: r.organisation, name: r.project }, r.name)),
    );
    const trees = await readRuleTrees(
      sql,
      found.map((r) => r.id),
    );
    const stored = new Map<string, DesiredSegment>();
    for (const { organisation, project, row } of found) {
      const ref = { organisation, name: project };
      stored.set(segmentKey(ref, row.name), {
        project: ref,
        name: row.name,
        description: row.description,
        rules: trees.get(row.id)!,
        source: IN_DATABASE,
      });
    }
    return { ids, stored };
  },

  async create(ctx, actions) {
    const entities = actions.map((a) => a.entity);
    const projectIds = entities.map((s) => projectIdOf(ctx.ids.project, s.project));
    const written = entities.map((s) => ({ label: `"${s.name}"`, source: s.source }));
    const ids = await guardWrite("segment", written, async () => {
      const drawn = await drawIds(
        ctx.sql,
        entities.length,
        entities.reduce((n, s) => n + countRules(s.rules), 0),
      );
      await insertSegments(ctx, entities, projectIds, drawn.segments);
      const flat = flattenRules(
        entities.map((s, i) => ({ id: drawn.segments[i]!, rules: s.rules })),
        drawn.rules,
      );
      const stamps = { uuid: "gen_random_uuid()", created_at: "now()", updated_at: "now()" };
      await insertBatch(
        ctx.sql,
        {
          table: "segments_segmentrule",
          columns: { id: "int", segment_id: "int", rule_id: "int", type: "text" },
          computed: stamps,
        },
        flat.rules,
      );
      await insertBatch(
        ctx.sql,
        {
          table: "segments_condition",
          columns: { rule_id: "int", operator: "text", property: "text", value: "text", description: "text" },
          // created_with_segment is true only for cloning/cohorts/imports, never on the API's create path.
          computed: { ...stamps, created_with_segment: "false" },
        },
        flat.conditions,
      );
      await copyToHistory(
        ctx,
        { table: "segments_segmentrule", historyTable: "segments_historicalsegmentrule" },
        flat.rules.map((r) => r.id),
      );
      await copyConditionsToHistory(
        ctx,
        flat.rules.map((r) => r.id),
      );
      touch(ctx, projectIds);
      return drawn.segments;
    });
    actions.forEach((action, i) => ctx.ids.segment.set(action.key, ids[i]!));
    return new Map<ActionOf<"segment">, Secret[]>();
  },
};
