/**
 * The fast way to read YAML: Bun's native parser gives the values (about 40 ms for a 1 MB file, where the
 * `yaml` library takes one to two seconds under Bun). It is taken only when Bun and `yaml` are known to read
 * the text alike and `yaml` would report nothing; load.ts falls back to `yaml` for everything else, and builds
 * `yaml`'s syntax tree lazily when a position is asked for (only when there is something to report).
 *
 * Bun's parser differs from `yaml` (with our options) in three ways, so a text scan rules these out first:
 * - duplicate mapping keys: `yaml` reports them, Bun keeps the last. The scan counts the implicit keys written
 *   in the text; a duplicate shows as fewer keys in Bun's result than in the text.
 * - numbers: we keep a number's text as written (`1.50`, `0x1F`), which Bun's value no longer carries. The scan
 *   refuses any plain scalar that is a YAML number not written in JavaScript's canonical form, so `String(n)`
 *   gives back the text.
 * - tags, anchors and aliases (alias bombs), merge keys, explicit keys, directives, several documents and
 *   unusual block scalars (explicit indentation, lines less indented than the first): refused outright;
 *   `yaml` handles them, with its limits and error positions.
 * The scan errs on the side of refusing: a refused text is only slower, never read differently.
 */
import {
  CLOSE_CURLY,
  CLOSE_SQ,
  COLON,
  COMMA,
  CR,
  DASH,
  DQUOTE,
  GT,
  HASH,
  LF,
  LT,
  OPEN_CURLY,
  OPEN_SQ,
  PIPE,
  SP,
  SQUOTE,
  TAB,
} from "./yaml-chars.ts";

/** The value of a YAML text, when the fast path may read it; null when the `yaml` library must. */
export function parseFast(text: string): { value: unknown } | null {
  const keys = countImplicitKeys(text);
  if (keys === null) return null;
  let value: unknown;
  try {
    value = Bun.YAML.parse(text);
  } catch {
    return null; // `yaml` says where and why
  }
  return countEntries(value) === keys ? { value } : null;
}

/** Every key of every mapping in a parsed tree (no aliases here, so no node is counted twice). */
function countEntries(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countEntries(item), 0);
  if (value === null || typeof value !== "object") return 0;
  let count = 0;
  for (const item of Object.values(value)) count += 1 + countEntries(item);
  return count;
}

/**
 * Characters that, starting a scalar, mean YAML the fast path does not take (tags, anchors, aliases, explicit keys,
 * directives, reserved).
 */
const REFUSED_AT_START = new Set([..."!&*?%@`"].map((c) => c.charCodeAt(0)));
/** Characters a plain scalar that is a number can start with. */
const NUMBER_START = new Set([..."0123456789+-."].map((c) => c.charCodeAt(0)));
const NUMBER = [
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(inf|Inf|INF)$/,
  /^\.(nan|NaN|NAN)$/,
];

/** A space or line end; the end of the text (charCodeAt gives NaN there) counts as one. */
const isSpace = (code: number) => code === SP || code === LF || code === CR || Number.isNaN(code);
const isFlowEnd = (code: number) => code === COMMA || code === CLOSE_SQ || code === CLOSE_CURLY;

/**
 * How many implicit keys (`key:` then a space or the end of the line, `"key":`) the text writes, or null
 * when it uses something the fast path refuses (see above). Quoted scalars, comments and block scalars are skipped.
 */
export function countImplicitKeys(text: string): number | null {
  if (text.charCodeAt(0) === 0xfeff) return null;
  let keys = 0;
  let flowDepth = 0;
  // At the start of a scalar: after indentation, "- ", a key's ":", or "[", "{" and "," inside flow collections.
  let atScalarStart = true;
  let lineStart = 0;
  // Column of the scalar being read, and of the node a block scalar on this line would belong to (its key or "-").
  let scalarColumn = 0;
  let ownerColumn = -1; // -1: none on this line yet
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === TAB) return null;
    if (c === LF || c === CR) {
      i++;
      if (text.startsWith("---", i) || text.startsWith("...", i) || text.charCodeAt(i) === 37 /* % */) return null;
      atScalarStart = true;
      lineStart = i;
      ownerColumn = -1;
      continue;
    }
    if (c === SP) {
      i++;
      continue;
    }
    if (c === HASH && (i === 0 || isSpace(text.charCodeAt(i - 1)))) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? n : end;
      continue;
    }
    const next = text.charCodeAt(i + 1); // NaN at the end
    if (atScalarStart) {
      if (REFUSED_AT_START.has(c) || (c === LT && next === LT)) return null;
      if (c === COLON && isSpace(next)) return null; // a value with no key
      if (c === DASH && isSpace(next)) {
        ownerColumn = i - lineStart;
        i++; // a sequence entry; the entry's scalar starts after it
        continue;
      }
      if (c === PIPE || c === GT) {
        if (flowDepth > 0 || ownerColumn < 0) return null;
        const end = blockScalarEnd(text, i, ownerColumn);
        if (end === null) return null;
        i = end;
        continue;
      }
      scalarColumn = i - lineStart;
      if (c === DQUOTE || c === SQUOTE) {
        const end = closingQuote(text, i);
        if (end < 0) return null;
        i = end + 1;
        atScalarStart = false;
        // JSON-style `"key":value` needs no space after the colon.
        if (text.charCodeAt(i) === COLON) {
          keys++;
          ownerColumn = scalarColumn;
          i++;
          atScalarStart = true;
        }
        continue;
      }
      if (c === OPEN_SQ || c === OPEN_CURLY) {
        flowDepth++;
        i++;
        continue;
      }
      if (NUMBER_START.has(c) && !isCanonicalIfNumber(plainToken(text, i, flowDepth > 0))) return null;
    }
    if (flowDepth > 0 && (c === CLOSE_SQ || c === CLOSE_CURLY)) {
      flowDepth--;
      atScalarStart = false;
      i++;
      continue;
    }
    if (flowDepth > 0 && c === COMMA) {
      atScalarStart = true;
      i++;
      continue;
    }
    if (c === COLON && (isSpace(next) || (flowDepth > 0 && isFlowEnd(next)))) {
      keys++;
      ownerColumn = scalarColumn;
      atScalarStart = true;
      i++;
      continue;
    }
    atScalarStart = false;
    i++;
  }
  return keys;
}

/**
 * Where a block scalar (`|`, `>-`, …) whose header is at `start` ends: the line break before the first line that is
 * not part of it. Its lines are those indented more than the key or "-" it belongs to (`ownerColumn`), all at
 * least as much as the first one, blank lines included. null for what the fast path refuses: an explicit
 * indentation indicator, something after the header other than a comment, a line indented between the owner and
 * the content, a tab in the indentation, or a leading blank line with more spaces than the content.
 */
export function blockScalarEnd(text: string, start: number, ownerColumn: number): number | null {
  const header = /^[|>][-+]?[ ]*(#[^\n]*)?(\r?\n|$)/.exec(text.slice(start, start + 200));
  if (!header) return null;
  let lineStart = start + header[0].length;
  let contentIndent: number | null = null;
  let blankSpaces = 0;
  while (lineStart < text.length) {
    let indent = 0;
    while (text[lineStart + indent] === " ") indent++;
    const next = text[lineStart + indent];
    const lineEnd = text.indexOf("\n", lineStart);
    const end = lineEnd < 0 ? text.length : lineEnd;
    if (next === undefined || next === "\n" || next === "\r") {
      blankSpaces = Math.max(blankSpaces, indent);
    } else {
      if (next === "\t" && (contentIndent === null || indent < contentIndent)) return null;
      if (contentIndent === null) {
        if (indent <= ownerColumn) break;
        if (blankSpaces > indent) return null;
        contentIndent = indent;
      } else if (indent < contentIndent) {
        if (indent > ownerColumn) return null;
        break;
      }
    }
    if (lineEnd < 0) return text.length;
    lineStart = end + 1;
  }
  return lineStart >= text.length ? text.length : lineStart - 1;
}

/** Index of the quote closing the one at `start` (`\"` escapes in double quotes, `''` in single), or -1. */
export function closingQuote(text: string, start: number): number {
  const quote = text[start]!;
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (quote === '"' && c === "\\") i += 2;
    else if (c === quote && quote === "'" && text[i + 1] === "'") i += 2;
    else if (c === quote) return i;
    else i++;
  }
  return -1;
}

/** The first word of a plain scalar starting at `start`: up to a space, a line end, or (in flow) a flow indicator. */
function plainToken(text: string, start: number, inFlow: boolean): string {
  let end = start;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (isSpace(c) || c === TAB || (inFlow && isFlowEnd(c))) break;
    end++;
  }
  return text.slice(start, end).replace(/:$/, "");
}

/**
 * False for a YAML number whose value would not print back as written (`1.50`, `0x1F`, `1e3`, `007`, huge integers).
 */
function isCanonicalIfNumber(token: string): boolean {
  if (!NUMBER.some((pattern) => pattern.test(token))) return true;
  return String(Number(token)) === token;
}
