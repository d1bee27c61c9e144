/** Where something was declared: a file (or `preset:NAME/file.yaml`) and a 1-based line and column. */
export interface Position {
  file: string;
  line: number;
  column: number;
}

/** One problem with the input, reported together with all others found in the same pass. */
export interface Issue {
  /** Stable rule name, e.g. "unknown-key", "dangling-reference"; tests and JSON output use it. */
  rule: string;
  message: string;
  /** Where it is; absent only for problems that have no place (e.g. "no sources found"). */
  position?: Position;
  /** What to do about it. */
  hint?: string;
}

/** Documented exit codes (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  runtime: 1,
  invalidInput: 2,
  unsupportedDatabase: 3,
  /** --detailed-exitcode: something would be or was created. */
  created: 4,
  /** --detailed-exitcode: nothing to create, but something declared differs from the database. */
  drift: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user can fix: shown without a stack trace, with every issue. */
export class UserError extends Error {
  constructor(
    readonly issues: Issue[],
    readonly exitCode: ExitCode = ExitCode.invalidInput,
  ) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "UserError";
  }
}

/** The database refused a write; names the entity being created and repeats Postgres's details. */
export class ApplyError extends Error {
  constructor(
    message: string,
    readonly details: {
      entity?: string;
      position?: Position;
      code?: string;
      detail?: string;
      constraint?: string;
      hint?: string;
    } = {},
  ) {
    super(message);
    this.name = "ApplyError";
  }
}

/** `file:line:column` */
export function formatPosition(p: Position): string {
  return `${p.file}:${p.line}:${p.column}`;
}

/** One issue as the single line (plus hint) the user reads on stderr. */
export function formatIssue(issue: Issue): string {
  const where = issue.position ? `${formatPosition(issue.position)}: ` : "";
  const hint = issue.hint ? `\n  hint: ${issue.hint}` : "";
  return `${where}error: ${issue.message}${hint}`;
}

/** Shorthand for throwing one issue. */
export function fail(issue: Issue, exitCode: ExitCode = ExitCode.invalidInput): never {
  throw new UserError([issue], exitCode);
}
