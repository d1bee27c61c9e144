/**
 * The shape Flagsmith's dashboard gives segment rules (frontend CreateSegment.tsx), both ways: the files' rules into
 * that shape (what `apply` stores unless `rules_shape: as_written`), and stored rules back into the shorthand a
 * file would write (what `export` prints). Pure.
 */
import type { SegmentRule } from "./segment.ts";

/**
 * Rules (as written) → ONE top-level ALL rule whose child ANY/NONE rules hold the conditions. Meaning is unchanged:
 * ALL[c1, c2] → ALL[ANY[c1], ANY[c2]]; ANY[c1, c2] → ALL[ANY[c1, c2]]; NONE[c1, c2] → ALL[NONE[c1, c2]]; nested rules
 * are kept as written; a rule already in that shape (ALL without conditions) is kept. Several top-level rules all
 * had to match, so their children are merged into the one ALL.
 */
export function toDashboardShape(rules: readonly SegmentRule[]): SegmentRule[] {
  const children: SegmentRule[] = [];
  for (const rule of rules) children.push(...childrenOf(rule));
  return [{ type: "ALL", conditions: [], rules: children }];
}

function childrenOf(rule: SegmentRule): SegmentRule[] {
  if (rule.type === "ALL")
    return [...rule.conditions.map((c): SegmentRule => ({ type: "ANY", conditions: [c], rules: [] })), ...rule.rules];
  // ANY/NONE keep their meaning only as one unit; with nested rules this goes a level deeper (rules.ts checks depth).
  return [{ type: rule.type, conditions: rule.conditions, rules: rule.rules }];
}

/**
 * The shortest rules a file can write that toDashboardShape turns into exactly `stored`: runs of single-condition ANY
 * rules become one ALL rule with those conditions, other ANY/NONE rules stay themselves, anything else goes under an
 * ALL rule as a nested rule. null when `stored` is not in the dashboard's shape (a file then needs
 * `rules_shape: as_written`).
 */
export function shorthandOf(stored: readonly SegmentRule[]): SegmentRule[] | null {
  if (stored.length !== 1 || stored[0]!.type !== "ALL" || stored[0]!.conditions.length > 0) return null;
  const shorthand: SegmentRule[] = [];
  for (const child of stored[0]!.rules) {
    const last = shorthand.at(-1);
    const single = child.type === "ANY" && child.conditions.length === 1 && child.rules.length === 0;
    if (single && last?.type === "ALL" && last.rules.length === 0) last.conditions.push(child.conditions[0]!);
    else if (single) shorthand.push({ type: "ALL", conditions: [child.conditions[0]!], rules: [] });
    else if (child.type !== "ALL" && child.rules.length === 0) shorthand.push(child);
    else shorthand.push({ type: "ALL", conditions: [], rules: [child] });
  }
  // No child rule at all: the lone empty ALL rule is its own shorthand.
  if (shorthand.length === 0) shorthand.push({ type: "ALL", conditions: [], rules: [] });
  return sameRules(toDashboardShape(shorthand), stored) ? shorthand : null;
}

/** Whether two rule trees are the same, rule by rule and condition by condition. */
export function sameRules(a: readonly SegmentRule[], b: readonly SegmentRule[]): boolean {
  return JSON.stringify(a, ruleFields) === JSON.stringify(b, ruleFields);
}

/** Rules and conditions with their fields in one order, whatever order they were built in. */
function ruleFields(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  return "operator" in v
    ? [v.property ?? null, v.operator, v.value ?? null, v.description ?? null]
    : [v.type, v.conditions, v.rules];
}
