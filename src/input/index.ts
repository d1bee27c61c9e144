import type { Kind, Desired } from "../kinds/index.ts";
import { checkSource } from "./check.ts";
import { IssueCollector } from "./collector.ts";
import { resolveSpec, type CheckedFile } from "./resolve.ts";
import { mergeDuplicates } from "./rules/duplicates.ts";
import { checkValueLengths, FLAGSMITH_LENGTHS, type ColumnLengths } from "../kinds/limits.ts";
import { checkPermissionKeys, FLAGSMITH_PERMISSION_KEYS, type PermissionKeys } from "../kinds/permission-keys.ts";
import { checkReferences, type UndeclaredReference } from "./rules/references.ts";
import { checkSegments } from "./rules/segments.ts";
import { checkFeatureNameRegexes, checkFlagContent } from "./rules/flag-content.ts";
import { checkUniqueValues } from "./rules/unique.ts";
import { checkUserPasswords } from "./rules/users.ts";
import type { Env, Source } from "./source.ts";

export { fileJsonSchema } from "./json-schema.ts";
export { formatUndeclared, type UndeclaredReference } from "./rules/references.ts";
export { checkPermissionKeys, FLAGSMITH_PERMISSION_KEYS, type PermissionKeys } from "../kinds/permission-keys.ts";

/** Checks on one validated file that need its paths (positions of nested values). */
const FILE_RULES = [checkSegments, checkUserPasswords, checkFeatureNameRegexes];

export interface LoadOptions {
  /**
   * Permission keys to accept; Flagsmith v2.265.0's by default; null skips the check (done later against the database).
   */
  permissionKeys?: PermissionKeys | null;
  /**
   * Column lengths values must fit; Flagsmith v2.265.0's by default. null skips the check; so does a null
   * `permissionKeys` unless lengths are given: connected, both are checked against the database instead.
   */
  lengths?: ColumnLengths | null;
  /** How many problems to list at most (the others are counted); 1,000 by default. */
  maxIssues?: number;
}

/**
 * Parse + interpolate + validate + cross-file rules + resolve. Throws a UserError with all issues (the first
 * 1,000 listed, the others counted: collector.ts).
 * Sources are taken in name order, so the result does not depend on the order they were given in.
 *
 * Every stage runs on what the earlier ones left valid, so one run reports problems of every kind together.
 * What cannot be checked after a problem: nothing else in a file that does not parse (YAML syntax, aliases) or
 * has no supported version; and nothing in or under an entity with a problem of its own (check.ts): it is left
 * out of the rules across files, and a misspelt-looking reference to a kind that lost an entity so is not
 * reported as a typo until the problem is fixed (it may name the left-out entity).
 */
export function loadDesired(
  sources: Source[],
  env: Env,
  options: LoadOptions = {},
): { desired: Desired; warnings: UndeclaredReference[] } {
  const ordered = [...sources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const issues = new IssueCollector(options.maxIssues);
  const checked: CheckedFile[] = [];
  const leftOut = new Set<Kind>();
  for (const source of ordered) {
    const result = checkSource(source, env);
    issues.add(result.issues);
    if (result.checked) checked.push(result.checked);
    for (const kind of result.leftOut) leftOut.add(kind);
  }
  for (const file of checked) for (const rule of FILE_RULES) issues.add(rule(file));
  const resolved = resolveSpec(checked);
  issues.add(resolved.issues);
  const merged = mergeDuplicates(resolved.desired);
  issues.add(merged.issues);
  issues.add(checkUniqueValues(merged.desired));
  issues.add(checkFlagContent(merged.desired));
  const references = checkReferences(merged.desired, leftOut);
  issues.add(references.issues);
  const permissionKeys = options.permissionKeys === undefined ? FLAGSMITH_PERMISSION_KEYS : options.permissionKeys;
  if (permissionKeys) issues.add(checkPermissionKeys(merged.desired, permissionKeys));
  const lengths =
    options.lengths !== undefined ? options.lengths : options.permissionKeys === null ? null : FLAGSMITH_LENGTHS;
  if (lengths) issues.add(checkValueLengths(merged.desired, lengths));
  if (issues.count) throw issues.toError();
  return { desired: merged.desired, warnings: references.warnings };
}
