/** Segment rules between the files' shorthand and the dashboard's stored shape (kinds/segment-shape.ts). */
import { describe, expect, test } from "bun:test";
import {
  sameRules,
  shorthandOf,
  toDashboardShape,
  type SegmentCondition,
  type SegmentRule,
} from "../../src/kinds/index.ts";

const c = (property: string): SegmentCondition => ({ property, operator: "EQUAL", value: "x", description: null });
const rule = (
  type: SegmentRule["type"],
  conditions: SegmentCondition[] = [],
  rules: SegmentRule[] = [],
): SegmentRule => ({
  type,
  conditions,
  rules,
});

describe("shorthandOf", () => {
  test("single-condition ANY rules in a row are one ALL rule's conditions", () => {
    const stored = [rule("ALL", [], [rule("ANY", [c("a")]), rule("ANY", [c("b")])])];
    expect(shorthandOf(stored)).toEqual([rule("ALL", [c("a"), c("b")])]);
  });

  test("ANY with several conditions and NONE rules stay themselves, in their order", () => {
    const stored = [rule("ALL", [], [rule("ANY", [c("a"), c("b")]), rule("ANY", [c("c")]), rule("NONE", [c("d")])])];
    expect(shorthandOf(stored)).toEqual([rule("ANY", [c("a"), c("b")]), rule("ALL", [c("c")]), rule("NONE", [c("d")])]);
  });

  test("a nested ALL rule goes under an ALL rule of its own; the lone empty ALL is its own shorthand", () => {
    const nested = [rule("ALL", [], [rule("ALL", [c("a")])])];
    expect(shorthandOf(nested)).toEqual([rule("ALL", [], [rule("ALL", [c("a")])])]);
    expect(shorthandOf([rule("ALL")])).toEqual([rule("ALL")]);
  });

  test("null for rules not in the dashboard's shape (a file writes them with rules_shape: as_written)", () => {
    expect(shorthandOf([rule("ALL", [c("a")])])).toBeNull(); // Flagsmith's dev seed: a condition on the top rule
    expect(shorthandOf([rule("ANY", [c("a")])])).toBeNull();
    expect(shorthandOf([rule("ALL"), rule("ALL")])).toBeNull();
    expect(shorthandOf([])).toBeNull();
  });

  test("whenever there is a shorthand, the dashboard's shape of it is exactly the stored rules", () => {
    const children = [
      rule("ANY", [c("a")]),
      rule("ANY", [c("b"), c("c")]),
      rule("NONE", [c("d")]),
      rule("ANY"),
      rule("ALL", [c("e")]),
      rule("ANY", [c("f")], [rule("ALL", [c("g")])]),
    ];
    // Every sequence of up to three children.
    const sequences: SegmentRule[][] = [[]];
    for (let n = 0; n < 3; n++)
      for (const s of [...sequences]) for (const child of children) sequences.push([...s, child]);
    for (const sequence of sequences) {
      const stored = [rule("ALL", [], sequence)];
      const shorthand = shorthandOf(stored);
      expect(shorthand).not.toBeNull();
      expect(sameRules(toDashboardShape(shorthand!), stored)).toBe(true);
    }
  });
});
