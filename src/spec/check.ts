import * as v from "valibot";
import type { Issue } from "../errors.ts";
import { interpolateValue } from "./interpolate.ts";
import { toIssues } from "./issues.ts";
import { parseSource, type ParsedFile, type Path } from "./load.ts";
import type { CheckedFile } from "./resolve.ts";
import { FileSchema, SUPPORTED_VERSIONS } from "./schema.ts";
import type { Env, Source } from "./source.ts";

/** One source → its validated content, or every issue found in it (syntax, interpolation, shape). */
export function checkSource(source: Source, env: Env): { checked: CheckedFile | null; issues: Issue[] } {
  const parsed = parseSource(source);
  const file = parsed.file;
  if (!file) return { checked: null, issues: parsed.issues };
  const ctx = { env, baseDir: source.baseDir ?? process.cwd() };
  const interpolated = interpolateValue(file.value, ctx, (path) => file.at(path), (path, n) => numberAsWritten(file, path, n));
  const issues = [...interpolated.issues];
  const versionIssue = checkVersion(file, interpolated.value);
  if (versionIssue) return { checked: null, issues: [...issues, versionIssue] };
  const result = v.safeParse(FileSchema, withoutExtensions(interpolated.value as Record<string, unknown>));
  if (!result.success) {
    // A failed interpolation left an empty string behind; do not report that place twice.
    const taken = new Set(issues.map((i) => `${i.position?.line}:${i.position?.column}`));
    issues.push(...toIssues(file, result.issues).filter((i) => !taken.has(`${i.position?.line}:${i.position?.column}`)));
  }
  return { checked: result.success && issues.length === 0 ? { file, spec: result.output } : null, issues };
}

/**
 * Numbers are kept as written (`1.50`, `1.0`), which is what Flagsmith stores for text fields and lets an
 * unquoted `version: 1.0` mean "1.0". Trait values stay numbers: Flagsmith types traits by their JSON type.
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
    return { rule: "empty-file", message: "the file is empty", position: file.at([]), hint: `start it with version: "1.0"` };
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    return { rule: "not-a-mapping", message: "a provisioning file must be a mapping (version:, users:, …)", position: file.at([]), hint: `start it with version: "1.0"` };
  }
  const version = (value as Record<string, unknown>).version;
  if (version === undefined || version === null) {
    return { rule: "missing-version", message: "the file has no version", position: file.at([]), hint: `add version: "1.0" at the top` };
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
