import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from "yaml";
import type { Issue, Position } from "../errors.ts";
import { lazyPosition } from "./lazy-position.ts";
import type { Source } from "./source.ts";
import { parseFast } from "./yaml-fast.ts";
import { locateFast, type Locator } from "./yaml-positions.ts";

/** A path into a parsed document, as valibot reports it: mapping keys and list indexes. */
export type Path = readonly (string | number)[];

/** One source parsed into plain data, able to say where any path of it was written. */
export interface ParsedFile {
  source: Source;
  /** The document as plain JS data (aliases expanded, before interpolation). */
  value: unknown;
  /**
   * Position of the value at `path` (or of its key); the nearest written ancestor when the path is not in the text.
   * Worked out when first read: most positions are never shown, and finding them needs `yaml`'s slow syntax tree.
   */
  at(path: Path, target?: "key" | "value"): Position;
  /** The text of the number `value` found at `path` exactly as written (e.g. `1.50`), if it is a plain scalar. */
  numberText(path: Path, value: number): string | undefined;
}

/**
 * Why bounded: YAML aliases can expand exponentially ("billion laughs"); yaml's own guard compares
 * expansions to the anchors' size and throws long before memory grows.
 */
const MAX_ALIAS_COUNT = 100;

/** How a JavaScript stack overflow reads (JavaScriptCore, V8). */
const TOO_DEEP = /maximum call stack size exceeded/i;

/**
 * Parses one source (one YAML document). Syntax errors become issues with positions. Bun's parser reads the
 * values when it reads them as `yaml` would (yaml-fast.ts); positions are then found by a scan of the text
 * (yaml-positions.ts) when one is asked for, and `yaml`'s syntax tree is built only if the scan cannot tell.
 */
export function parseSource(source: Source): { file: ParsedFile | null; issues: Issue[] } {
  const fast = parseFast(source.text);
  if (!fast) return parseWithPositions(source);
  // Positions from a scan of the text (yaml-positions.ts); from `yaml`'s syntax tree only if the scan cannot tell.
  let located: { locator: Locator; lines: LineCounter } | null | undefined;
  const locate = () => {
    if (located === undefined) {
      const locator = locateFast(source.text, fast.value);
      located = locator && { locator, lines: lineCounter(source.text) };
    }
    return located;
  };
  let tree: ParsedFile | null | undefined;
  const positions = (): ParsedFile | null => (tree ??= parseWithPositions(source).file);
  const find = (path: Path, target: "key" | "value" = "value"): Position => {
    const scan = locate();
    if (scan) {
      const { line, col } = scan.lines.linePos(scan.locator.offset(path, target));
      return { file: source.name, line, column: col };
    }
    return positions()?.at(path, target) ?? { file: source.name, line: 1, column: 1 };
  };
  return {
    file: {
      source,
      value: fast.value,
      at: (path, target) => {
        const fixed = [...path]; // callers may reuse their path array before the position is read
        return lazyPosition(source.name, () => find(fixed, target));
      },
      // The fast path only takes numbers written canonically, so the value prints back as written.
      numberText: (_path, value) => String(value),
    },
    issues: [],
  };
}

/** `yaml`'s line index of a text, as its parser would fill it. */
function lineCounter(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
  return lines;
}

/**
 * Parses one source with `yaml`, keeping node ranges for positions (the reference the fast positions are tested
 * against).
 */
export function parseWithPositions(source: Source): { file: ParsedFile | null; issues: Issue[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source.text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: source.name, line, column: col };
  };
  const list = Array.isArray(docs) ? docs : [];
  const issues: Issue[] = [];
  for (const doc of list) {
    for (const error of doc.errors) {
      // A stack overflow in the parser is reported by `yaml` as an error at each level it unwinds: say it once.
      if (TOO_DEEP.test(error.message)) {
        if (!issues.some((i) => i.rule === "too-deep")) {
          issues.push({
            rule: "too-deep",
            message: "the YAML here is nested too deeply to read",
            position: position(error.pos[0]),
            hint: "provisioning files nest a few levels (projects → features, segments → rules); flatten this value",
          });
        }
        continue;
      }
      issues.push({
        rule: error.code === "DUPLICATE_KEY" ? "duplicate-key" : "yaml-syntax",
        message: `invalid YAML: ${firstLine(error.message)}`,
        position: position(error.pos[0]),
        hint:
          error.code === "DUPLICATE_KEY"
            ? "remove or rename one of the two keys"
            : "fix the YAML syntax here (indentation, quotes, colons, dashes)",
      });
    }
  }
  for (const doc of list) {
    // `yaml` reads a value with a tag it does not know (`!foo`, `!!binary`) as if untagged, with only a warning:
    // whatever the tag was meant to say would be lost without a word.
    for (const warning of doc.warnings) {
      if (warning.code !== "TAG_RESOLVE_FAILED" && warning.code !== "BAD_COLLECTION_TYPE") continue;
      issues.push({
        rule: "unknown-tag",
        message:
          warning.code === "TAG_RESOLVE_FAILED"
            ? `unsupported YAML tag ${firstLine(warning.message).replace(/^Unresolved tag: /, "")}`
            : `unsupported YAML tag: ${firstLine(warning.message)}`,
        position: position(warning.pos[0]),
        hint: "remove the tag: provisioning files use plain values (quote a value to make it text)",
      });
    }
  }
  const extra = list.slice(1).find((doc) => doc.contents !== null);
  if (extra) {
    issues.push({
      rule: "multiple-documents",
      message: "a provisioning file holds one YAML document, but this file has several (`---`)",
      position: position(extra.range[0]),
      hint: "split the documents into separate files",
    });
  }
  if (issues.length) return { file: null, issues };
  const doc = list[0];
  if (!doc) return { file: makeFile(source, null, null, position), issues };
  try {
    const value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { file: makeFile(source, doc, value, position), issues };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    return { file: null, issues: [aliasIssue(doc, position, error)] };
  }
}

function aliasIssue(doc: Document.Parsed, position: (offset: number) => Position, error: Error): Issue {
  let offset = 0;
  visit(doc, { Alias: (_, node) => ((offset = node.range?.[0] ?? 0), visit.BREAK) });
  const bomb = /excessive alias/i.test(error.message);
  return {
    rule: bomb ? "alias-limit" : "yaml-alias",
    message: bomb
      ? `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} expansions relative to the anchors' size); refusing to expand`
      : `invalid YAML alias: ${firstLine(error.message)}`,
    position: position(offset),
    hint: bomb
      ? "write the values out instead of nesting aliases of aliases"
      : "define the anchor (&name) before using the alias (*name)",
  };
}

function makeFile(
  source: Source,
  doc: Document.Parsed | null,
  value: unknown,
  position: (offset: number) => Position,
): ParsedFile {
  return {
    source,
    value,
    at: (path, target = "value") => {
      const fixed = [...path]; // callers may reuse their path array before the position is read
      return lazyPosition(source.name, () => position(doc ? offsetOf(doc.contents, fixed, target) : 0));
    },
    numberText: (path) => {
      const node = doc ? nodeAt(doc.contents, path) : null;
      return node && isScalar(node) && node.source !== undefined && String(node.source) !== ""
        ? String(node.source)
        : undefined;
    },
  };
}

/** Follows `path` through the syntax tree; stops at aliases (their expansion has no text of its own). */
function nodeAt(root: Node | null, path: Path): Node | null {
  let node: Node | null = root;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return null;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === "number") {
      node = (node.items[segment] as Node | undefined) ?? null;
    } else return null;
  }
  return node;
}

function offsetOf(root: Node | null, path: Path, target: "key" | "value"): number {
  let node: Node | null = root;
  let best = root?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (isAlias(node)) return best;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return best;
      const keyOffset = (pair.key as Node).range?.[0] ?? best;
      if (i === path.length - 1 && target === "key") return keyOffset;
      node = pair.value as Node | null;
      // `key:` with nothing after it has no value node: point at the key.
      best = node?.range?.[0] ?? keyOffset;
    } else if (isSeq(node) && typeof segment === "number") {
      node = (node.items[segment] as Node | undefined) ?? null;
      if (!node) return best;
      best = node.range?.[0] ?? best;
    } else return best;
  }
  return best;
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0]!.replace(/ at line \d+, column \d+:?$/, "");
}
