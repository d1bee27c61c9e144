import { describe, expect, test } from "bun:test";
import { flattenRules, rulesData } from "../../src/flagsmith/kinds/segment.ts";
import type { SegmentRule } from "../../src/kinds/index.ts";

const c = (property: string) => ({ property, operator: "EQUAL" as const, value: "1", description: null });

describe("segment rule order (drf-writable-nested: a rule, its child rules each with their conditions, then its own conditions)", () => {
  const tree: SegmentRule[] = [
    {
      type: "ALL",
      conditions: [c("top")],
      rules: [
        { type: "ANY", conditions: [c("a1"), c("a2")], rules: [] },
        { type: "NONE", conditions: [c("n1")], rules: [] },
      ],
    },
  ];

  test("rule ids are taken in order and parents are linked", () => {
    const flat = flattenRules(
      [
        { id: 7, rules: tree },
        { id: 8, rules: [{ type: "ALL", conditions: [], rules: [] }] },
      ],
      [100, 101, 102, 103],
    );
    expect(flat.rules).toEqual([
      { id: 100, segment_id: 7, rule_id: null, type: "ALL" },
      { id: 101, segment_id: null, rule_id: 100, type: "ANY" },
      { id: 102, segment_id: null, rule_id: 100, type: "NONE" },
      { id: 103, segment_id: 8, rule_id: null, type: "ALL" },
    ]);
    expect(flat.conditions.map((x) => [x.rule_id, x.property])).toEqual([
      [101, "a1"],
      [101, "a2"],
      [102, "n1"],
      [100, "top"],
    ]);
  });

  test("rules_data: every rule carries rules and conditions; conditions carry description", () => {
    expect(rulesData(tree)).toEqual([
      {
        type: "ALL",
        conditions: [{ property: "top", operator: "EQUAL", value: "1", description: null }],
        rules: [
          { type: "ANY", rules: [], conditions: [c("a1"), c("a2")] },
          { type: "NONE", rules: [], conditions: [c("n1")] },
        ],
      },
    ]);
  });
});
