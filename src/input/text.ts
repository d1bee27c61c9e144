import type { Issue } from "../errors.ts";
import { fieldName } from "./issues.ts";
import type { ParsedFile, Path } from "./load.ts";

/**
 * Text PostgreSQL cannot store, in any key or string of an interpolated document: a NUL character (text columns
 * refuse it) and a lone UTF-16 surrogate (`"\ud800"` in YAML; not a character, so not encodable as UTF-8). Found
 * here, at the value's position, instead of as a database error halfway through a run. Returns the issues and
 * the paths they are at (so the entities holding them can be left out of the checks across files).
 */
export function checkText(value: unknown, file: ParsedFile): { issues: Issue[]; paths: Path[] } {
  const issues: Issue[] = [];
  const paths: Path[] = [];
  const path: (string | number)[] = [];
  const check = (text: string, target: "key" | "value") => {
    const problem = textProblem(text);
    if (!problem) return;
    const what = target === "key" ? `the key "${printable(text)}"` : fieldName(path);
    issues.push({
      rule: problem.rule,
      message: `${what} ${problem.message}`,
      position: file.at(path, target),
      hint: problem.hint,
    });
    paths.push([...path]);
  };
  const walk = (node: unknown): void => {
    if (typeof node === "string") check(node, "value");
    else if (Array.isArray(node)) {
      node.forEach((item, index) => {
        path.push(index);
        walk(item);
        path.pop();
      });
    } else if (node !== null && typeof node === "object") {
      for (const [key, item] of Object.entries(node)) {
        path.push(key);
        check(key, "key");
        walk(item);
        path.pop();
      }
    }
  };
  walk(value);
  return { issues, paths };
}

function textProblem(text: string): { rule: string; message: string; hint: string } | null {
  if (text.includes("\0")) {
    return {
      rule: "nul-character",
      message: "contains a NUL character (\\0), which PostgreSQL cannot store in text",
      hint: "remove the \\0 (or the NUL byte) from the value",
    };
  }
  if (!text.isWellFormed()) {
    return {
      rule: "lone-surrogate",
      message: "contains half of a UTF-16 surrogate pair (e.g. \\ud800 alone), which is not a character",
      hint: 'write the character itself, or both halves of the pair (e.g. "\\ud83d\\ude80" for 🚀)',
    };
  }
  return null;
}

/** A key as it can be shown on a terminal: NUL and lone surrogates made visible. */
function printable(text: string): string {
  return text.replaceAll("\0", "\\0").toWellFormed();
}
