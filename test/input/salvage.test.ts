import { expect, test } from "bun:test";
import { UserError } from "../../src/errors.ts";
import { PRESETS } from "../../src/input/presets.ts";
import { loadDesired } from "../../src/input/index.ts";

/**
 * Files with problems are still checked across files, minus the entities with problems (input/salvage.ts). Whatever
 * the problem, that must never turn into a crash: every load of a broken text ends in a UserError whose issues
 * all have a position (but the "and N more" line).
 */
test("broken variants of the presets end in input errors with positions, never in a crash", () => {
  // Each line in turn dropped, or its value replaced by one of the wrong shape, or its key misspelt.
  const mutations = (lines: string[], i: number) => [
    [...lines.slice(0, i), ...lines.slice(i + 1)],
    [...lines.slice(0, i), lines[i]!.replace(/: .*/, ": [1, {x: 2}]"), ...lines.slice(i + 1)],
    [...lines.slice(0, i), lines[i]!.replace(/: .*/, ": 12"), ...lines.slice(i + 1)],
    [...lines.slice(0, i), lines[i]!.replace(/: .*/, ":"), ...lines.slice(i + 1)],
    [...lines.slice(0, i), lines[i]!.replace(/(\w+):/, "$1x:"), ...lines.slice(i + 1)],
  ];
  // A second file referring to the first one's entities, so that references to left-out entities are exercised.
  const other = {
    name: "z.yaml",
    text: 'version: "1.0"\nfeatures: [{name: extra, project: Dev Project, organisation: Dev Organisation}]\n',
  };
  let broken = 0;
  const wrong: string[] = [];
  for (const file of PRESETS.flatMap((p) => p.files)) {
    const lines = file.text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      for (const mutated of mutations(lines, i)) {
        const text = mutated.join("\n");
        try {
          loadDesired([{ name: "a.yaml", text }, other], {});
        } catch (error) {
          broken++;
          const placed =
            error instanceof UserError &&
            error.issues.every((issue) => issue.rule === "more-issues" || issue.position!.line > 0);
          if (!placed) wrong.push(`${String(error)}\n--- in ---\n${text}`);
        }
      }
    }
  }
  expect(wrong.slice(0, 3)).toEqual([]);
  expect(broken).toBeGreaterThan(1000);
}, 120_000);
