import { expect, test } from "bun:test";
import { loadDesired } from "../../src/input/index.ts";

/** 10 projects × 10 environments × 1000 features (over 100k YAML nodes) in one file. */
function generated(): string {
  const lines = ['version: "1.0"', "organisations: [{name: Org}]", "projects:"];
  for (let p = 0; p < 10; p++) {
    lines.push(`  - name: Project ${p}`, "    organisation: Org", "    environments:");
    for (let e = 0; e < 10; e++) lines.push(`      - name: Env ${e}`);
    lines.push("    features:");
    for (let f = 0; f < 1000; f++) {
      lines.push(
        `      - name: feature_${f}`,
        `        default_enabled: ${f % 2 === 0}`,
        `        initial_value: ${f}`,
        `        description: "\${DESC:generated} ${f}"`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * Our own work (the fast-path scan, interpolation, validation, rules, resolution) must stay linear: a small
 * multiple of Bun's YAML parse itself. Measured relative to the parse, because CI machines shared with other test
 * suites vary tenfold in absolute speed (on an idle machine the whole load takes about 0.2 s). Positions are
 * found lazily, so the last assertion also checks that one can still be read after the load.
 */
test("a large generated file loads and validates at a small multiple of the YAML parse time", () => {
  const text = generated();
  Bun.YAML.parse(text); // warm up
  let started = performance.now();
  Bun.YAML.parse(text);
  const parseOnly = performance.now() - started;
  started = performance.now();
  const { desired } = loadDesired([{ name: "big.yaml", text }], {});
  const elapsed = performance.now() - started;
  expect(desired.features).toHaveLength(10_000);
  expect(desired.features[1]).toMatchObject({ name: "feature_1", initialValue: "1", description: "generated 1" });
  expect(desired.features[9_999]!.source.line).toBeGreaterThan(40_000);
  console.log(
    `loaded ${text.length} bytes, 10k features, in ${elapsed.toFixed(0)} ms (YAML parse alone: ${parseOnly.toFixed(0)} ms)`,
  );
  expect(elapsed).toBeLessThan(10 * parseOnly + 500);
}, 60_000);
