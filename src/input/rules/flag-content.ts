/**
 * Checks on flag content (contract §5) across entities, offline, with positions:
 * - allocations: a feature's options' default allocations, an environment's (the options it names, and the
 *   defaults of those it does not) and an override's allocations are each at most 100 % in total (Flagsmith's
 *   serializers refuse more);
 * - feature names: a project declaring feature_name_regex gets only features whose whole names match it
 *   (Flagsmith's feature serializer refuses the others), and the regex itself must compile (checked in each file,
 *   where the regex's own position is known).
 */
import { formatPosition, type Issue, type Position } from "../../errors.ts";
import { featureKey, optionValueKey, projectKey, type Desired, type Allocations } from "../../kinds/index.ts";
import type { CheckedFile } from "../resolve.ts";
import { pythonRegExp } from "./python-regex.ts";

export function checkFlagContent(desired: Desired): Issue[] {
  return [...checkAllocations(desired), ...checkFeatureNames(desired)];
}

const total = (allocations: Allocations) => Object.values(allocations).reduce((sum, p) => sum + p, 0);

function overAllocated(what: string, sum: number, position: Position, hint: string, because = ""): Issue {
  return {
    rule: "over-allocated",
    message: `${what} allocate ${sum}% in total${because}; at most 100% can be split between the variants`,
    position,
    hint,
  };
}

function checkAllocations(desired: Desired): Issue[] {
  const issues: Issue[] = [];
  const defaults = new Map<string, { sum: number; last: Position; feature: string }>();
  // Each feature's declared options: typed value → the value as written and its default allocation.
  const optionsOf = new Map<string, Map<string, { value: string; percent: number }>>();
  for (const option of desired.multivariateOptions) {
    const key = featureKey(option.project, option.feature);
    const entry = defaults.get(key) ?? { sum: 0, last: option.source, feature: option.feature };
    defaults.set(key, { ...entry, sum: entry.sum + option.defaultAllocation, last: option.source });
    const options = optionsOf.get(key) ?? new Map();
    optionsOf.set(
      key,
      options.set(optionValueKey(option.value), { value: option.value, percent: option.defaultAllocation }),
    );
  }
  for (const { sum, last, feature } of defaults.values())
    if (sum > 100)
      issues.push(
        overAllocated(
          `the multivariate options of feature "${feature}"`,
          sum,
          last,
          "lower the default_percentage_allocation values so that they add up to 100 or less",
        ),
      );
  for (const state of desired.featureStates) {
    // An environment state holds every option of its feature: one not named under multivariate: keeps its default
    // allocation (the option's AFTER_CREATE hook), and the state's total is what Flagsmith's serializers check.
    const named = new Set(Object.keys(state.multivariate).map(optionValueKey));
    const options = optionsOf.get(featureKey(state.environment.project, state.feature)) ?? new Map();
    const kept = [...options].flatMap(([key, o]) => (!named.has(key) && o.percent > 0 ? [o] : []));
    const sum = total(state.multivariate) + kept.reduce((s, o) => s + o.percent, 0);
    if (sum <= 100) continue;
    const defaults = kept.map((o) => `"${o.value}" ${o.percent}%`);
    issues.push(
      overAllocated(
        `feature "${state.feature}" in environment "${state.environment.name}" would`,
        sum,
        state.source,
        kept.length
          ? "name those options under multivariate: with lower percentages, or lower the others, so that they add up to 100 or less"
          : "lower the percentages under multivariate: so that they add up to 100 or less",
        kept.length
          ? ` (options not named under multivariate: keep their default allocation: ${defaults.join(", ")})`
          : "",
      ),
    );
  }
  for (const override of desired.segmentOverrides) {
    const sum = total(override.multivariate);
    if (sum > 100)
      issues.push(
        overAllocated(
          `the segment override "${override.segment}" of feature "${override.feature}" would`,
          sum,
          override.source,
          "lower the percentages under multivariate: so that they add up to 100 or less",
        ),
      );
  }
  return issues;
}

/** Python's re syntax in JavaScript (python-regex.ts), or what does not compile. */
function compile(pattern: string): RegExp | Error {
  try {
    return pythonRegExp(pattern);
  } catch (error) {
    return error as Error;
  }
}

/** Project.is_feature_name_valid: re.match(f"^{regex}$", name), the pattern pasted in as it is. */
const compileFeatureNameRegex = (pattern: string) => compile(`^${pattern}$`);

/** A project's feature_name_regex must compile; reported at the regex. */
export function checkFeatureNameRegexes({ file, spec }: CheckedFile): Issue[] {
  const issues: Issue[] = [];
  (spec.projects ?? []).forEach((project, i) => {
    if (project.feature_name_regex == null) return;
    const regex = compileFeatureNameRegex(project.feature_name_regex);
    if (regex instanceof Error)
      issues.push({
        rule: "bad-regex",
        message: `feature_name_regex of project "${project.name}" does not compile: ${regex.message}`,
        position: file.at(["projects", i, "feature_name_regex"]),
        hint: "fix the regular expression (Python re syntax)",
      });
  });
  return issues;
}

function checkFeatureNames(desired: Desired): Issue[] {
  const issues: Issue[] = [];
  const regexOf = new Map<string, { regex: RegExp; pattern: string; at: Position }>();
  for (const project of desired.projects) {
    const pattern = project.settings.feature_name_regex;
    if (pattern == null) continue;
    // One that does not compile is reported by checkFeatureNameRegexes.
    const regex = compileFeatureNameRegex(pattern);
    if (!(regex instanceof Error)) regexOf.set(projectKey(project), { regex, pattern, at: project.source });
  }
  for (const feature of desired.features) {
    const rule = regexOf.get(projectKey(feature.project));
    if (rule && !rule.regex.test(feature.name))
      issues.push({
        rule: "feature-name-mismatch",
        message: `feature "${feature.name}" does not match its project's feature_name_regex "${rule.pattern}" (declared at ${formatPosition(rule.at)})`,
        position: feature.source,
        hint: "rename the feature, or change the project's feature_name_regex",
      });
  }
  return issues;
}
