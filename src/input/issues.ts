import type * as v from "valibot";
import type { Issue } from "../errors.ts";
import { decodeProblem, describe } from "./fields.ts";
import type { ParsedFile, Path } from "./load.ts";
import { didYouMean, validValues } from "../suggest.ts";

/**
 * valibot's issues for one file → our Issues with positions, rule names and hints, each with the path it is at.
 * The same problem reached twice (through a union's options) is reported once. Positions stay unread (they
 * are lazy, see load.ts): only the issues shown need theirs.
 */
export function toIssues(file: ParsedFile, issues: readonly v.BaseIssue<unknown>[]): { issue: Issue; path: Path }[] {
  const out: { issue: Issue; path: Path }[] = [];
  const seen = new Set<string>();
  const add = (issue: v.BaseIssue<unknown>, prefix: readonly v.IssuePathItem[]) => {
    const items = prefix.length ? [...prefix, ...(issue.path ?? [])] : (issue.path ?? []);
    // Union issues wrap the real ones; report the most specific.
    if (issue.type === "union" && issue.issues?.length && !decodeProblem(issue.message)) {
      for (const inner of issue.issues) add(inner, items);
      return;
    }
    const path: Path = items.map((item) => item.key as string | number);
    const converted = convert(file, issue, path);
    const id = `${converted.rule}|${path.join("\u001f")}|${converted.message}`;
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ issue: converted, path });
  };
  for (const issue of issues) add(issue, []);
  return out;
}

function convert(file: ParsedFile, issue: v.BaseIssue<unknown>, path: Path): Issue {
  // A required field that is absent: valibot reports it with the missing key appended to the path.
  if (issue.kind === "schema" && issue.input === undefined && issue.expected?.startsWith('"')) {
    const parent = path.slice(0, -1);
    return {
      rule: "missing-field",
      message: `missing required field ${issue.expected}${parent.length ? ` in ${fieldName(parent)}` : ""}`,
      position: file.at(parent),
      hint: `add ${issue.expected}: …`,
    };
  }
  const field = fieldName(path);
  const decoded = decodeProblem(issue.message);
  if (decoded) {
    const last = path[path.length - 1];
    const word = decoded.rule === "unknown-key" ? String(last) : String(issue.input);
    const message = decoded.message.replaceAll("{field}", decoded.rule === "unknown-key" ? `"${String(last)}"` : field);
    return {
      rule: decoded.rule,
      message: decoded.known ? message + didYouMean(word, decoded.known) : message,
      position: file.at(path, decoded.atKey ? "key" : "value"),
      hint: decoded.known ? validValues(decoded.known) : decoded.hint,
    };
  }
  return {
    rule: "wrong-type",
    message: `${field} is invalid: expected ${issue.expected ?? "something else"}, got ${describe(issue.input)}`,
    position: file.at(path),
    hint: "see the file format in the README (or run `flagsmith-provision schema`)",
  };
}

/** `"seats"` of `organisations[0].subscription.seats`, or `item 2 of "members"` for list items. */
export function fieldName(path: Path): string {
  const last = path[path.length - 1];
  if (last === undefined) return "the file";
  if (typeof last === "number") {
    const owner = path[path.length - 2];
    return `item ${last + 1}${owner === undefined ? "" : ` of "${String(owner)}"`}`;
  }
  return `"${last}"`;
}
