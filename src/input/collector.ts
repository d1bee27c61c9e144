import { UserError, type Issue } from "../errors.ts";

/** How many problems are listed at most; the others are counted ("and N more"). */
export const MAX_LISTED_ISSUES = 1000;

/**
 * Issues as they are found, up to a bound; past it they are only counted. A file with a mistake in every one of
 * a million entities would otherwise hold (and sort, and print) a million issues, and read a million positions.
 */
export class IssueCollector {
  readonly listed: Issue[] = [];
  more = 0;

  constructor(readonly limit: number = MAX_LISTED_ISSUES) {}

  add(issues: readonly Issue[]): void {
    const room = Math.max(0, this.limit - this.listed.length);
    for (let i = 0; i < issues.length && i < room; i++) this.listed.push(issues[i]!);
    this.more += Math.max(0, issues.length - room);
  }

  get count(): number {
    return this.listed.length + this.more;
  }

  /** One UserError: the listed issues sorted by place, then a line saying how many were only counted. */
  toError(): UserError {
    const sorted = sortIssues(this.listed);
    if (this.more === 0) return new UserError(sorted);
    return new UserError([
      ...sorted,
      {
        rule: "more-issues",
        message: `and ${this.more} more problem${this.more === 1 ? "" : "s"} (only the first ${this.limit} are listed)`,
        hint: "fix these and run again; often one mistake repeated, or a file that is not what it seems",
      },
    ]);
  }
}

function sortIssues(issues: Issue[]): Issue[] {
  const order = (i: Issue) => [i.position?.file ?? "", i.position?.line ?? 0, i.position?.column ?? 0] as const;
  return [...issues].sort((a, b) => {
    const [fa, la, ca] = order(a);
    const [fb, lb, cb] = order(b);
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
  });
}
