import type { Issue } from "../../errors.ts";
import type { CheckedFile } from "../resolve.ts";

/** A user has a plain password or a hash, not both: which one would win is not obvious. */
export function checkUserPasswords({ file, spec }: CheckedFile): Issue[] {
  const issues: Issue[] = [];
  (spec.users ?? []).forEach((user, i) => {
    if (user.password != null && user.password_hash != null) {
      issues.push({
        rule: "password-conflict",
        message: `user "${user.email}" has both password and password_hash`,
        position: file.at(["users", i, "password_hash"], "key"),
        hint: "keep only one of them",
      });
    }
  });
  return issues;
}
