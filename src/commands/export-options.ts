import { UserError, type Issue } from "../errors.ts";
import { INCLUDE_PARTS, type IncludePart } from "../flagsmith/export/index.ts";
import { didYouMean } from "../suggest.ts";
import { databaseOptions, invalid, single, typed, type RawOptions } from "./options.ts";

/** Everything `export` accepts. */
export interface ExportOptions {
  databaseUrl?: string;
  wait?: number;
  /** Organisations and projects by name (repeatable); none: everything. */
  organisations: string[];
  projects: string[];
  include: IncludePart[];
  /** One file per organisation and project here; undefined: one document on stdout. */
  outputDir?: string;
}

/** The flags of `export`, checked. Throws a UserError (exit 2) listing every bad flag. */
export function readExportOptions(raw: RawOptions): ExportOptions {
  const issues: Issue[] = [];
  const database = databaseOptions(raw, issues);
  const names = (name: string, flag: string) => {
    const given = ([] as unknown[]).concat(raw[name] ?? []).map(typed);
    if (given.some((v) => v === true || v === "")) issues.push(invalid(`${flag} needs a name`));
    return [...new Set(given.filter((v) => v !== true && v !== "").map(String))];
  };
  const organisations = names("organisation", "--organisation");
  const projects = names("project", "--project");
  const include = new Set<IncludePart>();
  for (const part of names("include", "--include").flatMap((v) => v.split(",").map((p) => p.trim()))) {
    if (part === "") continue;
    if (part === "all") INCLUDE_PARTS.forEach((p) => include.add(p));
    else if ((INCLUDE_PARTS as readonly string[]).includes(part)) include.add(part as IncludePart);
    else
      issues.push(
        invalid(
          `--include: "${part}" is not a part of an export${didYouMean(part, [...INCLUDE_PARTS, "all"])}`,
          `the optional parts are ${INCLUDE_PARTS.join(", ")} (or all), comma-separated`,
        ),
      );
  }
  // Password hashes belong to users.
  if (include.has("password-hashes")) include.add("users");
  const outputDir = single(raw, "outputDir", issues);
  if (outputDir === "") issues.push(invalid("--output-dir needs a directory"));
  if (issues.length) throw new UserError(issues);
  return {
    ...database,
    organisations,
    projects,
    include: INCLUDE_PARTS.filter((p) => include.has(p)),
    ...(outputDir && { outputDir }),
  };
}
