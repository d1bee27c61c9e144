import { readFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import type { Issue, Position } from "../errors.ts";
import type { Path } from "./load.ts";
import type { Env } from "./source.ts";
import { decodeUtf8 } from "./utf8.ts";

/** What interpolation needs from the outside world. */
export interface InterpolationContext {
  env: Env;
  /** Directory that relative `$__file{…}` paths resolve against. */
  baseDir: string;
  /** Reads a file for `$__file{…}` (null: it is not UTF-8); injectable for tests. */
  readFile?: (path: string) => string | null;
}

/** A problem found in one string, placed by the caller. */
export type Problem = Omit<Issue, "position">;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FILE_OPEN = "$__file{";

/**
 * The text `interpolateString` reads without a problem of syntax, as the source of a regular expression (its own
 * scan, token by token: text, a lone `$`, the literals `$${` and `$$__file{`, `${NAME}` or `${NAME:default}`, and
 * `$__file{path}` with a path that is not blank). The JSON Schema checks every text with it, so that editors flag
 * what `validate` would; test/input/json-schema-fields.test.ts compares the two.
 */
export const INTERPOLATION_SYNTAX =
  "(?:[^$]|\\$(?!\\$\\{|\\$__file\\{|\\{|__file\\{)|\\$\\$\\{|\\$\\$__file\\{" +
  "|\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::[^}]*)?\\}|\\$__file\\{[^}]*[^}\\s][^}]*\\})*";

/**
 * Expands `${VAR}`, `${VAR:default}` (the default is everything after the FIRST colon), `$${…}` (a literal `${…}`)
 * and `$__file{path}` (the file's content minus one trailing newline) in one left-to-right pass: text taken from
 * the environment or a file is never scanned again, so a password containing `$` or `${X}` arrives intact.
 */
export function interpolateString(text: string, ctx: InterpolationContext): { value: string; problems: Problem[] } {
  if (!text.includes("$")) return { value: text, problems: [] };
  const problems: Problem[] = [];
  let out = "";
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) break;
    out += text.slice(i, dollar);
    const rest = text.slice(dollar);
    if (rest.startsWith("$${") || rest.startsWith("$" + FILE_OPEN)) {
      // Escape: drop one `$`, copy the opener literally; the rest of the text up to `}` is plain text anyway.
      const opener = rest.startsWith("$${") ? "${" : FILE_OPEN;
      out += opener;
      i = dollar + 1 + opener.length;
    } else if (rest.startsWith("${") || rest.startsWith(FILE_OPEN)) {
      const isFile = rest.startsWith(FILE_OPEN);
      const start = dollar + (isFile ? FILE_OPEN.length : 2);
      const close = text.indexOf("}", start);
      if (close < 0) {
        problems.push({
          rule: "bad-interpolation",
          message: `unterminated "${isFile ? FILE_OPEN : "${"}" (no closing "}")`,
          hint: 'close it with "}", or write "$${" for a literal "${"',
        });
        out += text.slice(dollar);
        i = text.length;
        break;
      }
      const inner = text.slice(start, close);
      out += isFile ? expandFile(inner, ctx, problems) : expandVariable(inner, ctx.env, problems);
      i = close + 1;
    } else {
      out += "$";
      i = dollar + 1;
    }
  }
  out += text.slice(i);
  return { value: out, problems };
}

function expandVariable(inner: string, env: Env, problems: Problem[]): string {
  const colon = inner.indexOf(":");
  const name = colon < 0 ? inner : inner.slice(0, colon);
  if (!NAME.test(name)) {
    problems.push({
      rule: "bad-interpolation",
      message: `"\${${inner}}" is not a valid variable reference`,
      hint: 'write ${NAME} or ${NAME:default} (letters, digits, "_"), or "$${" for a literal "${"',
    });
    return "";
  }
  const value = env[name];
  if (value !== undefined) return value;
  // `${VAR:-default}` (the Docker Compose and shell habit) means the same as `${VAR:default}`.
  if (colon >= 0) return inner.slice(inner.startsWith(":-", colon) ? colon + 2 : colon + 1);
  problems.push({
    rule: "missing-variable",
    message: `environment variable ${name} is not set`,
    hint: `set ${name}, or give a default: \${${name}:default}`,
  });
  return "";
}

function expandFile(path: string, ctx: InterpolationContext, problems: Problem[]): string {
  if (path.trim() === "") {
    problems.push({
      rule: "bad-interpolation",
      message: "$__file{} names no file",
      hint: "write $__file{/path/to/secret}",
    });
    return "";
  }
  const full = resolvePath(ctx.baseDir, path);
  try {
    const content = (ctx.readFile ?? readUtf8)(full);
    if (content === null) {
      problems.push({
        rule: "invalid-utf8",
        message: `"${full}" (read for $__file{${path}}) is not valid UTF-8`,
        hint: "write the secret's file as UTF-8 text",
      });
      return "";
    }
    return content.endsWith("\r\n") ? content.slice(0, -2) : content.endsWith("\n") ? content.slice(0, -1) : content;
  } catch (error) {
    const code = (error as { code?: string }).code;
    problems.push({
      rule: "unreadable-file",
      message: `cannot read "${full}" for $__file{${path}}${code ? ` (${code})` : ""}`,
      hint: "check that the file exists and is readable (mounted Secret?); relative paths are relative to the provisioning file",
    });
    return "";
  }
}

/** A file's text; null when it is not UTF-8 (its bytes would otherwise become "�" in the database). */
function readUtf8(path: string): string | null {
  const { text, invalid } = decodeUtf8(readFileSync(path));
  return invalid ? null : text;
}

/**
 * Interpolates every string scalar of a parsed document (keys are left alone). Returns a new tree: an aliased
 * node shared by several places is expanded once per place, never twice in a row. `numberText`, when given,
 * may replace a number by its text as written (so `initial_value: 1.50` stays "1.50", as Flagsmith would store it).
 * `paths` are where the issues are (the entities holding them are left out of the checks across files).
 */
export function interpolateValue(
  value: unknown,
  ctx: InterpolationContext,
  at: (path: Path) => Position,
  numberText?: (path: Path, value: number) => string | undefined,
): { value: unknown; issues: Issue[]; paths: Path[] } {
  const issues: Issue[] = [];
  const paths: Path[] = [];
  const path: (string | number)[] = [];
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") {
      const result = interpolateString(node, ctx);
      if (result.problems.length) {
        const position = at(path);
        for (const problem of result.problems) issues.push({ ...problem, position });
        paths.push([...path]);
      }
      return result.value;
    }
    if (typeof node === "number" && numberText) return numberText(path, node) ?? node;
    if (Array.isArray(node)) {
      return node.map((item, index) => {
        path.push(index);
        const out = walk(item);
        path.pop();
        return out;
      });
    }
    if (node !== null && typeof node === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) {
        path.push(key);
        const value = walk(item);
        // `out["__proto__"] = …` would set the prototype: a key the schema never sees, with fields `out` would
        // inherit (is_superuser…). Kept an own key instead, which the schema reports.
        if (key === "__proto__")
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        else out[key] = value;
        path.pop();
      }
      return out;
    }
    return node;
  };
  return { value: walk(value), issues, paths };
}
