import * as v from "valibot";
import type { Issue } from "../errors.ts";
import type { Kind } from "../kinds/index.ts";
import { interpolateValue } from "./interpolate.ts";
import { toIssues } from "./issues.ts";
import { parseSource, type ParsedFile, type Path } from "./load.ts";
import type { CheckedFile } from "./resolve.ts";
import { ALL_REFERRED_KINDS, leaveOut, leftOutPart } from "./salvage.ts";
import { FileSchema, SUPPORTED_VERSIONS, type Spec } from "./schema.ts";
import type { Env, Source } from "./source.ts";
import { checkText } from "./text.ts";

/** One file's content and what was found in it. */
export interface CheckedSource {
  /**
   * What can be checked across files: all of it, or what is left without the entities that have problems (salvage.ts).
   */
  checked: CheckedFile | null;
  issues: Issue[];
  /** Kinds of referred entities left out of `checked` (a misspelt-looking reference to one may be to them). */
  leftOut: Set<Kind>;
}

/**
 * One source → its validated content and every issue found in it (encoding, syntax, interpolation, text, shape).
 * A file that does not parse, or has no supported version, has nothing to check across files; otherwise the
 * entities without problems are still returned, so that the checks across files run on them too.
 */
export function checkSource(source: Source, env: Env): CheckedSource {
  // Nothing of the file is known: it may declare what another file's reference looks misspelt against.
  const none = (issues: Issue[]): CheckedSource => ({ checked: null, issues, leftOut: new Set(ALL_REFERRED_KINDS) });
  const encoding = source.invalid ? [source.invalid] : [];
  const parsed = parseSource(source);
  const file = parsed.file;
  if (!file) return none([...encoding, ...parsed.issues]);
  const ctx = { env, baseDir: source.baseDir ?? process.cwd() };
  const interpolated = interpolateValue(
    file.value,
    ctx,
    (path) => file.at(path),
    (path, n) => numberAsWritten(file, path, n),
  );
  const issues = [...encoding, ...interpolated.issues];
  const versionIssue = checkVersion(file, interpolated.value);
  if (versionIssue) return none([...issues, versionIssue]);
  const text = checkText(interpolated.value, file);
  issues.push(...text.issues);
  const result = v.safeParse(FileSchema, withoutExtensions(interpolated.value as Record<string, unknown>));
  const problems = [...interpolated.paths, ...text.paths];
  if (!result.success) {
    // A failed interpolation left an empty string behind; do not report that place twice.
    const key = (path: Path) => path.join("\u001f");
    const taken = new Set(problems.map(key));
    for (const { issue, path } of toIssues(file, result.issues)) {
      if (taken.has(key(path))) continue;
      issues.push(issue);
      problems.push(path);
    }
  }
  const parts = problems.map(leftOutPart);
  if (parts.includes(null)) return none(issues);
  const spec = result.output as Spec;
  const leftOut = leaveOut(spec as Record<string, unknown>, parts as Path[]);
  return { checked: { file, spec }, issues, leftOut };
}

/**
 * Numbers are kept as written (`1.50`), which is what Flagsmith stores for text fields. Trait values stay
 * numbers: Flagsmith types traits by their JSON type.
 */
function numberAsWritten(file: ParsedFile, path: Path, value: number): string | undefined {
  if (path[path.length - 2] === "traits") return undefined;
  return file.numberText(path, value);
}

/**
 * Top-level `x-…` keys are ignored, as in Docker Compose: they give YAML anchors a home
 * (`x-defaults: &defaults {…}` then `<<: *defaults`) without being unknown fields.
 */
function withoutExtensions(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith("x-")));
}

function checkVersion(file: ParsedFile, value: unknown): Issue | undefined {
  const supported = SUPPORTED_VERSIONS.map((s) => `"${s}"`).join(", ");
  if (value === null || value === undefined) {
    return {
      rule: "empty-file",
      message: "the file is empty",
      position: file.at([]),
      hint: `start it with version: "1.0"`,
    };
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    return {
      rule: "not-a-mapping",
      message: "a provisioning file must be a mapping (version:, users:, …)",
      position: file.at([]),
      hint: `start it with version: "1.0"`,
    };
  }
  const version = (value as Record<string, unknown>).version;
  if (version === undefined || version === null) {
    return {
      rule: "missing-version",
      message: "the file has no version",
      position: file.at([]),
      hint: `add version: "1.0" at the top`,
    };
  }
  // An unquoted `version: 1.0` is the number 1 to YAML and to the JSON Schema (`schema`): refused here too, so
  // that the tool and editors agree (and `1.10` is never read as 1.1).
  const written = (file.value as Record<string, unknown>).version;
  if (typeof written === "number") {
    return {
      rule: "unquoted-version",
      message: `version must be text; ${file.numberText(["version"], written) ?? written} unquoted is a number`,
      position: file.at(["version"]),
      hint: `write version: "1.0" (quoted)`,
    };
  }
  if (!(SUPPORTED_VERSIONS as readonly unknown[]).includes(version)) {
    return {
      rule: "unsupported-version",
      message: `unsupported version ${JSON.stringify(version)}; this tool reads version ${supported}`,
      position: file.at(["version"]),
      hint: `write version: "1.0"`,
    };
  }
  return undefined;
}
