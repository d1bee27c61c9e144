import { blockScalarEnd, closingQuote } from "./yaml-fast.ts";

/**
 * Positions in a text the fast path read (yaml-fast.ts), without `yaml`'s syntax tree: that tree takes about
 * fifty times the text's size in memory (2 GB for a 40 MB file) and seconds per megabyte, and one problem to
 * report used to build it. Instead, one scan lists where each mapping key (and its value) and each sequence
 * item starts, in document order, and a walk of Bun's value pairs them with the value's keys and items, which
 * come in the same order. The walk checks the pairing (kinds, keys' text, scalars' first characters); if
 * anything disagrees, null, and the caller builds `yaml`'s tree as before. A wrong position is never given.
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
  OPEN_CURLY,
  OPEN_SQ,
  PIPE,
  SP,
  SQUOTE,
  afterSpaces,
  keyWritten,
  startsLike,
} from "./yaml-chars.ts";

/** Where nodes start: `start[i]` is a key's or an item's offset; `value[i]` a key's value's (-1 for an item). */
interface Scan {
  start: number[];
  value: number[];
  /** Offset of the document's first node (its root). */
  root: number;
}

/** Finds the offset of a path's node (or key) in one text; see the module comment. */
export interface Locator {
  /**
   * Offset of the node at `path` (or of its key), else of the nearest ancestor written in the text, as load.ts's
   * `offsetOf`.
   */
  offset(path: readonly (string | number)[], target: "key" | "value"): number;
}

const isBlank = (code: number) => code === SP || code === LF || code === CR || Number.isNaN(code);

/** Lists where keys, their values and items start (see Scan), or null for anything the scan does not expect. */
export function scanNodes(text: string): Scan | null {
  const start: number[] = [];
  const value: number[] = [];
  const flow: number[] = []; // open flow collections, innermost last
  let root = -1;
  let lineStart = 0;
  let atScalarStart = true;
  let scalarStart = 0; // offset of the scalar being read (a key, when a ":" follows)
  let ownerColumn = -1; // column of the key or "-" a block scalar on this line belongs to
  let itemExpected = false; // in a flow sequence, after "[" or ","
  // At most one node waits for its content at a time: a "-" item, or a key's value.
  let pendingItem = -1,
    pendingItemColumn = 0,
    pendingItemLine = 0;
  let pendingKey = -1,
    pendingKeyColumn = 0,
    pendingKeyLine = 0,
    pendingKeyFlow = false;

  /** Content starts at `i`: it settles the node waiting for it. `indicator` is true for a block "- ". */
  const content = (i: number, code: number, indicator: boolean) => {
    if (root < 0) root = i;
    const column = i - lineStart;
    if (pendingItem >= 0) {
      const own = lineStart === pendingItemLine || column > pendingItemColumn;
      if (own) start[pendingItem] = i;
      pendingItem = -1;
    } else if (pendingKey >= 0) {
      const closes = code === COMMA || code === CLOSE_SQ || code === CLOSE_CURLY;
      const own = pendingKeyFlow
        ? !closes
        : lineStart === pendingKeyLine || column > pendingKeyColumn || (column === pendingKeyColumn && indicator);
      if (own) value[pendingKey] = i;
      pendingKey = -1;
    }
    if (itemExpected && code !== CLOSE_SQ && code !== COMMA) {
      start.push(i);
      value.push(-1);
    }
    itemExpected = false;
  };

  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === LF) {
      i++;
      lineStart = i;
      ownerColumn = -1;
      atScalarStart = true;
      continue;
    }
    if (c === SP || c === CR) {
      i++;
      continue;
    }
    if (c === HASH && (i === 0 || isBlank(text.charCodeAt(i - 1)))) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? n : end;
      continue;
    }
    const next = text.charCodeAt(i + 1);
    const dash = atScalarStart && flow.length === 0 && c === DASH && isBlank(next);
    if (atScalarStart) content(i, c, dash); // (inside a scalar nothing waits)
    if (dash) {
      // A block sequence item: it starts where its content does (settled by `content`), or here if it has none.
      start.push(afterSpaces(text, i + 1)); // until content says otherwise: an empty item is placed after its "-", as `yaml` places it
      value.push(-1);
      pendingItem = start.length - 1;
      pendingItemColumn = ownerColumn = i - lineStart;
      pendingItemLine = lineStart;
      i++;
      continue;
    }
    if (atScalarStart && (c === PIPE || c === GT) && flow.length === 0) {
      if (ownerColumn < 0) return null;
      const end = blockScalarEnd(text, i, ownerColumn);
      if (end === null) return null;
      i = end;
      atScalarStart = false;
      continue;
    }
    if (atScalarStart && (c === DQUOTE || c === SQUOTE)) {
      const end = closingQuote(text, i);
      if (end < 0) return null;
      scalarStart = i;
      const newline = text.lastIndexOf("\n", end);
      if (newline > i) lineStart = newline + 1; // a quoted scalar over several lines
      i = end + 1;
      atScalarStart = false;
      if (text.charCodeAt(i) === COLON) i = key(i);
      continue;
    }
    if (atScalarStart && (c === OPEN_SQ || c === OPEN_CURLY)) {
      flow.push(c);
      itemExpected = c === OPEN_SQ;
      atScalarStart = true;
      i++;
      continue;
    }
    if (flow.length > 0 && (c === CLOSE_SQ || c === CLOSE_CURLY)) {
      flow.pop();
      atScalarStart = false;
      i++;
      continue;
    }
    if (flow.length > 0 && c === COMMA) {
      itemExpected = flow[flow.length - 1] === OPEN_SQ;
      atScalarStart = true;
      i++;
      continue;
    }
    if (
      c === COLON &&
      (isBlank(next) || (flow.length > 0 && (next === COMMA || next === CLOSE_SQ || next === CLOSE_CURLY)))
    ) {
      i = key(i);
      continue;
    }
    if (atScalarStart) scalarStart = i;
    atScalarStart = false;
    i++;
  }
  // An item or value still waiting at the end has no content: it keeps the place it has (its "-", its key).

  /** The ":" at `colon` ends a key that started at `scalarStart`; returns where to read on. */
  function key(colon: number): number {
    start.push(scalarStart);
    value.push(afterSpaces(text, colon + 1)); // until content says otherwise: an empty value is placed after the ":", as `yaml` places it
    pendingKey = start.length - 1;
    pendingKeyColumn = ownerColumn = scalarStart - lineStart;
    pendingKeyLine = lineStart;
    pendingKeyFlow = flow.length > 0;
    atScalarStart = true;
    return colon + 1;
  }
  return { start, value, root: Math.max(root, 0) };
}

/**
 * Pairs the scan of `text` with `value` (Bun's reading of it) and returns a locator, or null when they disagree
 * in any way (then positions must come from `yaml`).
 */
export function locateFast(text: string, value: unknown): Locator | null {
  const scan = scanNodes(text);
  if (!scan) return null;
  const { start, value: valueAt } = scan;
  const children = new Map<object, Int32Array>();
  let next = 0;
  const pair = (node: unknown): boolean => {
    if (node === null || typeof node !== "object") return true;
    const isList = Array.isArray(node);
    const keys = isList ? null : Object.keys(node);
    const count = isList ? node.length : keys!.length;
    const events = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const event = next++;
      if (event >= start.length || (valueAt[event] === -1) !== isList) return false;
      const child = isList ? node[k] : (node as Record<string, unknown>)[keys![k]!];
      if (!isList && !keyWritten(text, start[event]!, keys![k]!)) return false;
      if (!startsLike(text, isList ? start[event]! : valueAt[event]!, child)) return false;
      events[k] = event;
      if (!pair(child)) return false;
    }
    children.set(node, events);
    return true;
  };
  if (!pair(value) || next !== start.length) return null;
  return {
    offset(path, target) {
      let node: unknown = value;
      let best = scan.root;
      for (let i = 0; i < path.length; i++) {
        const events = node !== null && typeof node === "object" ? children.get(node) : undefined;
        if (!events) return best;
        const segment = path[i]!;
        const index = Array.isArray(node)
          ? typeof segment === "number"
            ? segment
            : -1
          : Object.keys(node as object).indexOf(String(segment));
        const event = index >= 0 ? events[index] : undefined;
        if (event === undefined) return best;
        if (Array.isArray(node)) {
          best = start[event]!;
          node = node[index];
        } else {
          if (i === path.length - 1 && target === "key") return start[event]!;
          best = valueAt[event]!;
          node = (node as Record<string, unknown>)[String(segment)];
        }
      }
      return best;
    },
  };
}
