import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PRESETS } from "../../src/input/presets.ts";
import { parseSource, parseWithPositions, type ParsedFile } from "../../src/input/load.ts";
import { parseFast } from "../../src/input/yaml-fast.ts";
import { locateFast } from "../../src/input/yaml-positions.ts";

/**
 * Positions from the scan (yaml-positions.ts) must be exactly those of `yaml`'s syntax tree, for every key,
 * value and item of every text the fast path takes, or not be given at all (null: the tree is built instead).
 */

type Path = (string | number)[];

/** Every path of `value` (the root, each key, each item), plus a few that are not in it (missing keys, items). */
function pathsOf(value: unknown, path: Path = []): Path[] {
  const missing: Path[] =
    value !== null && typeof value === "object"
      ? [
          [...path, "not-there"],
          [...path, 999],
        ]
      : [];
  if (Array.isArray(value)) return [path, ...missing, ...value.flatMap((item, i) => pathsOf(item, [...path, i]))];
  if (value === null || typeof value !== "object") return [path];
  return [path, ...missing, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...path, key]))];
}

/** Compares the scan's positions with the tree's for every path; false when the scan gave none (null). */
function samePositions(text: string): boolean {
  const fast = parseFast(text);
  if (!fast) return false;
  const locator = locateFast(text, fast.value);
  if (!locator) return false;
  const tree = parseWithPositions({ name: "t.yaml", text }).file as ParsedFile;
  const scanned = parseSource({ name: "t.yaml", text }).file as ParsedFile;
  for (const path of pathsOf(fast.value)) {
    for (const target of ["key", "value"] as const) {
      const { line, column } = tree.at(path, target);
      const found = scanned.at(path, target);
      expect({ path, target, line: found.line, column: found.column }).toEqual({ path, target, line, column });
    }
  }
  return true;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const FIXTURES = join(import.meta.dir, "..", "fixtures");
const texts = [
  ...filesUnder(FIXTURES).map((path) => readFileSync(path, "utf8")),
  ...PRESETS.flatMap((p) => p.files.map((f) => f.text)),
];

describe("positions from the scan are the syntax tree's", () => {
  test("every preset and valid fixture is located by the scan, at the tree's positions", () => {
    for (const preset of PRESETS) for (const file of preset.files) expect(samePositions(file.text)).toBe(true);
    for (const path of filesUnder(join(FIXTURES, "valid"))) {
      const text = readFileSync(path, "utf8");
      if (parseFast(text)) expect(samePositions(text)).toBe(true);
    }
  });

  test("the project's texts, with CRLF line ends, and each line duplicated, dropped, indented or outdented in turn", () => {
    let located = 0;
    let taken = 0;
    for (const text of texts) {
      const lines = text.split("\n");
      const variants = [text, text.replace(/\n/g, "\r\n")];
      for (let i = 0; i < lines.length; i++) {
        variants.push(
          [...lines.slice(0, i + 1), ...lines.slice(i)].join("\n"),
          [...lines.slice(0, i), ...lines.slice(i + 1)].join("\n"),
          [...lines.slice(0, i), " " + lines[i], ...lines.slice(i + 1)].join("\n"),
          [...lines.slice(0, i), lines[i]!.replace(/^ {2}/, ""), ...lines.slice(i + 1)].join("\n"),
        );
      }
      for (const variant of variants) {
        if (!parseFast(variant)) continue;
        taken++;
        if (samePositions(variant)) located++;
      }
    }
    // Nearly every text the fast path takes is located by the scan.
    console.log(`${located} of ${taken} texts taken by the fast path located by the scan`);
    expect(located).toBeGreaterThan(taken * 0.95);
  }, 300_000);

  const EDGES: Record<string, string> = {
    "nested block mappings and sequences": "a:\n  b:\n    - c: 1\n      d: [x, y]\n    - - 2\n      - 3\n",
    "flow collections over several lines": "a: [\n  1,\n  {b: c, d: [e]},\n]\nf: {}\ng: []\n",
    "JSON-style keys": '{"a":1, "b": [true,false,null], "c":{"d":"e"}}\n',
    "quoted keys and values": "\"a b\": 'it''s'\n'c': \"x\\ty\\u00e9 \\\"q\\\" # not a comment\"\n",
    "colons and hashes inside scalars": "url: http://x.y/z?q=1#f\ntime: 12:30\nhash: a#b\n",
    "comments everywhere": "# head\na: 1 # one\n# between\nb:   # empty value\n  - x # item\n",
    "empty values and items": "a:\nb:\n  -\n  - \n  - x\nc: [a, ]\nd: {e: , f: 1}\n",
    "a sequence as a mapping's value at the key's column": "a:\n- x\n- y\nb: 1\n",
    "multi-line plain and quoted scalars": 'a: one\n  two\n\n  three\nb: "x\n  y"\nc: 1\n',
    "block scalars":
      "a: |\n  line 1\n    indented\n\n  line 3\nb: >-\n  x\nc:\n  - |\n    y: z\n  - k: |+\n      kept\n\n",
    "single-pair mappings in a flow sequence": "a: [b: c, d: e]\n",
    "a dash alone with its item on the next lines": "-\n  name: x\n-\n  - y\n",
    "keys that look like numbers": "traits:\n  b: 1\n  a: 2\n",
    "a scalar document": "just text\n",
    "empty text": "",
    "CRLF line ends": "a: 1\r\nb:\r\n  - x\r\n  - {c: d}\r\n",
  };
  for (const [name, text] of Object.entries(EDGES)) {
    test(name, () => {
      if (parseFast(text)) expect(samePositions(text)).toBe(true);
    });
  }

  test("keys JavaScript reorders (integer-like) are not located: the tree is used", () => {
    const text = "traits:\n  b: 1\n  2: x\n";
    expect(parseFast(text)).not.toBeNull();
    expect(locateFast(text, parseFast(text)!.value)).toBeNull();
  });
});
