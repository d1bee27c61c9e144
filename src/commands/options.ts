import { UserError, type Issue } from "../errors.ts";

/** Where to read provisioning files from (contract §3 "Default source"). */
export interface SourceOptions {
  files: string[];
  directory?: string;
  preset?: string;
}

/** Everything `apply` (the default command) and `reset` accept. */
export interface ApplyOptions extends SourceOptions {
  dryRun: boolean;
  output: "text" | "json";
  databaseUrl?: string;
  /** Seconds to wait for the database and Flagsmith's migrations; undefined = do not wait. */
  wait?: number;
  showEnvironmentKeys: boolean;
  /** Where every created secret is also appended (0600, fsynced before the commit). */
  secretsFile?: string;
  /** Exit 4 when something is created, 5 when only drift is found (contract §7). */
  detailedExitcode?: boolean;
}

/** Raw options as cac parsed them; values the user typed carry the VERBATIM mark (cli.ts). */
export type RawOptions = Record<string, unknown>;

/** Marks a typed value so that mri (cac's parser) keeps it as text instead of a number; taken off here. */
export const VERBATIM = "\u0001";

/** A typed value without its mark; values cac made up (true for a flag without a value) as they are. */
export function typed(value: unknown): unknown {
  return typeof value === "string" && value.startsWith(VERBATIM) ? value.slice(VERBATIM.length) : value;
}

/** The source flags of any command, checked. Throws a UserError (exit 2) listing every bad flag. */
export function readSourceOptions(raw: RawOptions): SourceOptions {
  const issues: Issue[] = [];
  const options = sourceOptions(raw, issues);
  if (issues.length) throw new UserError(issues);
  return options;
}

/** The flags of `apply`, checked. Throws a UserError (exit 2) listing every bad flag. */
export function readApplyOptions(raw: RawOptions): ApplyOptions {
  const issues: Issue[] = [];
  const sources = sourceOptions(raw, issues);
  const output = single(raw, "output", issues) ?? "text";
  if (output !== "text" && output !== "json") {
    issues.push(invalid(`--output must be "text" or "json", not "${output}"`));
  }
  const { databaseUrl, wait } = databaseOptions(raw, issues);
  const secretsFile = single(raw, "secretsFile", issues);
  if (secretsFile === "") issues.push(invalid("--secrets-file needs a file path"));
  if (issues.length) throw new UserError(issues);
  return {
    ...sources,
    dryRun: flag(raw, "dryRun"),
    output: output as ApplyOptions["output"],
    ...(databaseUrl !== undefined && { databaseUrl }),
    ...(wait !== undefined && { wait }),
    showEnvironmentKeys: flag(raw, "showEnvironmentKeys"),
    ...(secretsFile && { secretsFile }),
    detailedExitcode: flag(raw, "detailedExitcode"),
  };
}

/** --database-url and --wait, checked (apply, reset and export take them). */
export function databaseOptions(raw: RawOptions, issues: Issue[]): { databaseUrl?: string; wait?: number } {
  const waitText = single(raw, "wait", issues);
  let wait: number | undefined;
  if (waitText !== undefined) {
    wait = Number(waitText);
    if (waitText.trim() === "" || !Number.isFinite(wait) || wait < 0) {
      issues.push(invalid(`--wait must be a number of seconds (0 or more), not "${waitText}"`));
    }
  }
  // An empty --database-url counts as unset, like an empty DATABASE_URL (compose files pass `--database-url=$X`).
  const databaseUrl = single(raw, "databaseUrl", issues) || undefined;
  return { ...(databaseUrl !== undefined && { databaseUrl }), ...(wait !== undefined && { wait }) };
}

function sourceOptions(raw: RawOptions, issues: Issue[]): SourceOptions {
  const given = ([] as unknown[]).concat(raw.file ?? []).map(typed);
  // mri gives `true` for a value flag without a value (e.g. a trailing `--file`).
  if (given.some((f) => f === true || f === "")) issues.push(invalid("--file needs a file path"));
  const files = given.filter((f) => f !== true && f !== "").map(String);
  const directory = single(raw, "directory", issues);
  const preset = single(raw, "preset", issues);
  return { files, ...(directory !== undefined && { directory }), ...(preset !== undefined && { preset }) };
}

/** A value flag given at most once; `true` (flag without value) is caught by cac before this. */
export function single(raw: RawOptions, name: string, issues: Issue[]): string | undefined {
  const value = Array.isArray(raw[name]) ? (raw[name] as unknown[]).map(typed) : typed(raw[name]);
  if (value === undefined) return undefined;
  if (value === true || value === false) {
    issues.push(invalid(`--${kebab(name)} needs a value`));
    return undefined;
  }
  if (Array.isArray(value)) {
    issues.push(invalid(`--${kebab(name)} was given ${value.length} times; it takes one value`));
    return String(value.at(-1));
  }
  return String(value);
}

function flag(raw: RawOptions, name: string): boolean {
  return raw[name] === true;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

export function invalid(message: string, hint = "run flagsmith-provision --help for the options"): Issue {
  return { rule: "invalid-option", message, hint };
}
