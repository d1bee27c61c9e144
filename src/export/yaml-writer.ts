/**
 * A small YAML writer for provisioning files: block mappings and lists, inline ones for short leaves, every scalar
 * plain where that is safe and a JSON string otherwise (a JSON string is a YAML double-quoted scalar). The output is
 * the same for the same tree, reads back exactly, and stays on the loader's fast path (input/yaml-fast.ts): no tabs,
 * no anchors, numbers in their canonical form.
 */

/** A value's text as a file gives it: typed on the way in like Flagsmith types it (`25`, `true`, `light`). */
export class Typed {
  constructor(readonly raw: string) {}
}

/** A mapping or a list of scalars written on one line (`{ a: 1, b: x }`, `[A, B]`). */
export class Inline {
  constructor(readonly value: Mapping | Scalar[]) {}
}

/** `string` is text (a value that is interpolated on the way in, so `${` is escaped). */
export type Scalar = string | number | boolean | Typed;
export type Mapping = Map<string, Node>;
export type Node = Scalar | Inline | Mapping | Node[];

/** Words YAML (1.1 or 1.2) reads as something other than text, in any case. */
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;
/** Text safe to write plain, in block and flow context alike: letters first, no indicator that means anything. */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_ .@/+()-]*$/;
const CANONICAL_INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** A key: field names and names the user chose (environments, option values, traits), never interpolated. */
export function key(text: string): string {
  return PLAIN.test(text) && !text.endsWith(" ") && !RESERVED.test(text) ? text : JSON.stringify(text);
}

/** Text that interpolation would leave as it is: `${` and `$__file{` are written `$${` and `$$__file{`. */
function text(value: string): string {
  // Replacement functions: in a replacement string, "$$" would itself mean one "$".
  return key(value.replaceAll("${", () => "$${").replaceAll("$__file{", () => "$$__file{"));
}

export function scalar(value: Scalar): string {
  if (typeof value === "string") return text(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  // A file's `25` and `"25"` are the same text for Flagsmith's typing; a number or boolean just reads better.
  const raw = value.raw;
  if (CANONICAL_INTEGER.test(raw) && String(Number(raw)) === raw) return raw;
  if (raw === "True" || raw === "False") return raw.toLowerCase();
  return text(raw);
}

const isScalar = (node: Node): node is Scalar =>
  typeof node === "string" || typeof node === "number" || typeof node === "boolean" || node instanceof Typed;

function inline(node: Inline): string {
  if (Array.isArray(node.value)) return `[${node.value.map(scalar).join(", ")}]`;
  const pairs = [...node.value].map(([k, v]) => `${key(k)}: ${isScalar(v) ? scalar(v) : inline(v as Inline)}`);
  return pairs.length ? `{ ${pairs.join(", ")} }` : "{}";
}

/** The text after `key:` on the same line, or null when the value goes on the lines below. */
function sameLine(node: Node): string | null {
  if (isScalar(node)) return scalar(node);
  if (node instanceof Inline) return inline(node);
  if (Array.isArray(node)) return node.length === 0 ? "[]" : null;
  return node.size === 0 ? "{}" : null;
}

/** Appends a mapping's lines at `indent` spaces. */
export function writeMapping(map: Mapping, indent: number, out: string[]): void {
  const pad = " ".repeat(indent);
  for (const [k, v] of map) {
    const line = sameLine(v);
    if (line !== null) out.push(`${pad}${key(k)}: ${line}`);
    else {
      out.push(`${pad}${key(k)}:`);
      writeBlock(v as Mapping | Node[], indent + 2, out);
    }
  }
}

function writeBlock(node: Mapping | Node[], indent: number, out: string[]): void {
  if (!Array.isArray(node)) return writeMapping(node, indent, out);
  const pad = " ".repeat(indent);
  for (const item of node) {
    const line = sameLine(item);
    if (line !== null) {
      out.push(`${pad}- ${line}`);
      continue;
    }
    // The item's first line goes after "- "; the rest are indented to line up with it.
    const lines: string[] = [];
    writeBlock(item as Mapping | Node[], indent + 2, lines);
    out.push(`${pad}- ${lines[0]!.slice(indent + 2)}`, ...lines.slice(1));
  }
}
