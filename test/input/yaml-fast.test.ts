import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isScalar, parseAllDocuments, visit } from "yaml";
import { PRESETS } from "../../src/input/presets.ts";
import { parseSource } from "../../src/input/load.ts";
import { parseFast } from "../../src/input/yaml-fast.ts";

/**
 * The fast path (Bun's parser) may only read a text when the `yaml` library reads it the same way and reports
 * nothing: these tests hold it to that on every YAML text the project has, and on edge cases of each kind of
 * YAML the fast path claims to handle or refuse.
 */

/** What `yaml` (with the loader's options) makes of a text: errors, the value, and each plain number's text. */
function yamlReading(text: string) {
  const docs = parseAllDocuments(text, { merge: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const errors = list.flatMap((doc) => doc.errors.map((e) => e.code));
  const doc = list[0];
  const numbers: Array<{ written: string; printed: string }> = [];
  if (doc) {
    visit(doc, {
      Scalar: (_, node) => {
        if (isScalar(node) && typeof node.value === "number")
          numbers.push({ written: String(node.source), printed: String(node.value) });
      },
    });
  }
  return {
    errors,
    documents: list.length,
    value: doc && !errors.length ? doc.toJS({ maxAliasCount: 100 }) : undefined,
    numbers,
  };
}

function expectSameReading(text: string): void {
  const fast = parseFast(text);
  if (!fast) return;
  const reading = yamlReading(text);
  expect(reading.errors).toEqual([]);
  expect(reading.documents).toBeLessThanOrEqual(1);
  expect(fast.value).toEqual(reading.value ?? null);
  for (const number of reading.numbers) expect(number.printed).toBe(number.written);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const FIXTURES = join(import.meta.dir, "..", "fixtures");

describe("the fast path reads every project YAML text as `yaml` does", () => {
  for (const path of filesUnder(FIXTURES)) {
    test(path.slice(FIXTURES.length + 1), () => expectSameReading(readFileSync(path, "utf8")));
  }
  for (const preset of PRESETS) {
    for (const file of preset.files) {
      test(file.name, () => {
        expect(parseFast(file.text)).not.toBeNull(); // presets are read fast; they start on every container start
        expectSameReading(file.text);
      });
    }
  }
});

/**
 * Mutations of the project's texts: CRLF line ends, and each line in turn duplicated (duplicate keys, repeated
 * entries, broken block scalars), dropped (missing keys), indented by one space or outdented by two (structure
 * changes, broken indentation). Whatever the fast path takes must read as `yaml` reads it.
 */
describe("mutated texts: the fast path takes one only when it reads as `yaml` does", () => {
  const texts = [
    ...filesUnder(FIXTURES).map((path) => readFileSync(path, "utf8")),
    ...PRESETS.flatMap((p) => p.files.map((f) => f.text)),
  ];
  test(`${texts.length} texts, with CRLF line ends, and each line duplicated, dropped, indented or outdented in turn`, () => {
    let taken = 0;
    let refused = 0;
    for (const text of texts) {
      expectSameReading(text.replace(/\n/g, "\r\n")); // Windows line ends, block scalars included
      const lines = text.split("\n");
      for (let i = 0; i < lines.length; i++) {
        const indented = [...lines.slice(0, i), " " + lines[i], ...lines.slice(i + 1)];
        const outdented = [...lines.slice(0, i), lines[i]!.replace(/^ {2}/, ""), ...lines.slice(i + 1)];
        for (const mutated of [
          [...lines.slice(0, i + 1), ...lines.slice(i)],
          [...lines.slice(0, i), ...lines.slice(i + 1)],
          indented,
          outdented,
        ]) {
          const mutatedText = mutated.join("\n");
          if (parseFast(mutatedText)) taken++;
          else refused++;
          expectSameReading(mutatedText);
        }
      }
    }
    // Both sides are exercised: most mutations stay valid YAML, duplicated keys are refused.
    expect(taken).toBeGreaterThan(3000);
    expect(refused).toBeGreaterThan(1000);
  }, 120_000);
});

/** Texts the fast path takes: each must read exactly as `yaml` reads it. */
const TAKEN: Record<string, string> = {
  "nested block mappings and sequences": "a:\n  b:\n    - c: 1\n      d: [x, y]\n    - - 2\n      - 3\n",
  "flow collections over several lines": "a: [\n  1,\n  {b: c, d: [e]},\n]\nf: {}\ng: []\n",
  "JSON-style keys": '{"a":1, "b": [true,false,null], "c":{"d":"e"}}\n',
  "quoted keys and values": "\"a b\": 'it''s'\n'c': \"x\\ty\\u00e9 \\\"q\\\" # not a comment\"\n",
  "colons and hashes inside scalars": "url: http://x.y/z?q=1#f\ntime: 12:30\nhash: a#b\n",
  "comments everywhere": "# head\na: 1 # one\n# between\nb:   # empty value\n  - x # item\n",
  "null, booleans and strings that look like neither":
    "a: ~\nb: null\nc:\nd: true\ne: False\nf: yes\ng: tRue\nh: 2024-01-01\n",
  "canonical numbers": "a: 1\nb: -2\nc: 0.5\nd: 1.25\ne: [0, 10, -3.5]\n",
  "multi-line plain and quoted scalars": 'a: one\n  two\n\n  three\nb: "x\n  y"\n',
  "literal block scalar": "a: |\n  line 1\n    indented\n\n  line 3\nb: after\n",
  "folded block scalar, stripped":
    "- name: x\n  description: >-\n    one\n    two\n\n    three\n  value: 1\n- name: y\n",
  "kept block scalar with trailing blank lines": "a: |+\n  keep\n\n\nb: 1\n",
  "block scalar at the end without a newline": "a: |\n  end",
  "block scalar whose content looks like keys": "a: |\n  b: 1\n  b: 2\nc: 3\n",
  "an empty block scalar": "a: |\nb: 1\n",
  "sequence entry block scalar": "a:\n  - |\n    x: y\n  - >\n    folded\n",
  "keys that look like numbers": "traits:\n  1: a\n  '1.50': b\n",
  "empty text and only comments": "# nothing here\n",
  "a scalar document": "just text\n",
  "CRLF line ends": "a: 1\r\nb:\r\n  - x\r\n",
};

/** Texts the fast path must leave to `yaml`: each differs in Bun's reading, or needs `yaml`'s checks or limits. */
const REFUSED: Record<string, string> = {
  "duplicate block key": "a: 1\nb: 2\na: 3\n",
  "duplicate nested key": "a:\n  b: 1\n  c: 2\n  b: 3\n",
  "duplicate flow key": "a: {b: 1, b: 2}\n",
  "duplicate JSON-style key": '{"a":1,"a":2}\n',
  "duplicate key, once quoted": 'a: 1\n"a": 2\n',
  "duplicate key in a sequence entry": "- name: x\n  name: y\n",
  "number with trailing zero": "a: 1.50\n",
  "version written as a number": "version: 1.0\n",
  hexadecimal: "a: 0x1F\n",
  octal: "a: 0o17\n",
  exponent: "a: 1e3\n",
  "leading zeros": "a: 007\n",
  "leading plus": "a: +1\n",
  "minus zero": "a: -0\n",
  "leading dot": "a: .5\n",
  "too large for a double": "a: 12345678901234567890\n",
  infinity: "a: .inf\n",
  "non-canonical number in a flow sequence": "a: [1, 2.0]\n",
  "non-canonical number after a JSON-style key": '{"a":1.50}\n',
  anchor: "a: &x 1\nb: *x\n",
  "merge key": "a: {b: 1}\nc:\n  <<: {b: 2}\n",
  tag: "a: !!str 12\n",
  "explicit key": "? a\n: b\n",
  "several documents": "a: 1\n---\nb: 2\n",
  "document end marker": "a: 1\n...\n",
  directive: "%YAML 1.2\n---\na: 1\n",
  tab: "a:\t1\n",
  "byte order mark": "\uFEFFa: 1\n",
  "block scalar with an indentation indicator": "a: |2\n   x\n",
  "block scalar line between the key and the content": "a:\n  b: |\n      x\n     y\n",
  "block scalar leading blank line with too many spaces": "a: |\n      \n    x\n",
  "block scalar header with text after it": "a: | x\n",
  "syntax error": "a: [1, 2\n",
  "unterminated quote": 'a: "x\n',
};

describe("the fast path", () => {
  for (const [name, text] of Object.entries(TAKEN)) {
    test(`takes ${name}, reading it as \`yaml\` does`, () => {
      expect(parseFast(text)).not.toBeNull();
      expectSameReading(text);
    });
  }
  for (const [name, text] of Object.entries(REFUSED)) {
    test(`leaves ${name} to \`yaml\``, () => expect(parseFast(text)).toBeNull());
  }

  test("a text nested deeper than the parsers' stacks is one too-deep issue, not a crash", () => {
    const depth = 20_000;
    const { file, issues } = parseSource({
      name: "f.yaml",
      text: `version: "1.0"\nx-deep: ${"[".repeat(depth)}${"]".repeat(depth)}\n`,
    });
    expect(file).toBeNull();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ rule: "too-deep", position: { file: "f.yaml", line: 2 } });
  });

  test("a duplicate key is still reported, with its position", () => {
    const { file, issues } = parseSource({ name: "f.yaml", text: 'version: "1.0"\nusers: []\nusers: []\n' });
    expect(file).toBeNull();
    expect(issues).toMatchObject([{ rule: "duplicate-key", position: { file: "f.yaml", line: 3, column: 1 } }]);
  });

  test("positions of a fast-read file are found on demand, and numbers keep their text", () => {
    const text =
      'version: "1.0"\nprojects:\n  - name: P\n    organisation: O\n    features:\n      - name: f\n        initial_value: 42\n';
    const { file } = parseSource({ name: "f.yaml", text });
    expect(parseFast(text)).not.toBeNull();
    expect(file!.at(["projects", 0, "features", 0, "initial_value"])).toEqual({ file: "f.yaml", line: 7, column: 24 });
    expect(file!.at(["projects", 0, "features", 0, "initial_value"], "key")).toEqual({
      file: "f.yaml",
      line: 7,
      column: 9,
    });
    expect(file!.numberText(["projects", 0, "features", 0, "initial_value"], 42)).toBe("42");
  });

  test("a position taken from a path array that the caller changes afterwards stays where it was taken", () => {
    const { file } = parseSource({ name: "f.yaml", text: "a: 1\nb: 2\n" });
    const path = ["a"];
    const position = file!.at(path);
    path[0] = "b";
    expect(position.line).toBe(1);
  });
});

describe("positions stay unbuilt on the way to a valid desired state", () => {
  test("loading a fast-path file, undeclared references included, builds no `yaml` tree, even for positions", async () => {
    const yaml = await import("yaml");
    const { spyOn } = await import("bun:test");
    const { loadDesired, formatUndeclared } = await import("../../src/input/index.ts");
    const spy = spyOn(yaml, "parseAllDocuments");
    try {
      const text =
        'version: "1.0"\nfeatures:\n  - { name: a, project: Existing, organisation: Org }\n  - { name: b, project: Existing, organisation: Org }\n';
      const { desired, warnings } = loadDesired([{ name: "f.yaml", text }], {}, { permissionKeys: null });
      expect(desired.features).toHaveLength(2);
      expect(warnings).toHaveLength(1);
      expect(spy).not.toHaveBeenCalled();
      // Reading a position (a warning shown, an error reported) scans the text (yaml-positions.ts): still no tree.
      expect(formatUndeclared(warnings[0]!)).toStartWith("f.yaml:3:5: ");
      expect(desired.features[1]!.source.line).toBe(4);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
