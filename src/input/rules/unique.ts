import { formatPosition, type Issue, type Position } from "../../errors.ts";
import type { Desired } from "../../kinds/index.ts";

/**
 * Values Flagsmith's tables hold once that two different declared entities give (after duplicates are merged):
 * the database would refuse the second one halfway through a run. Found here, offline, naming both places.
 * - users_ffadminuser.username is UNIQUE (an empty username counts: "" is a value);
 * - api_keys_masterapikey.prefix (a key's part before the dot) is UNIQUE across all organisations.
 * Clashes with rows already in the database are found connected (flagsmith/).
 */
export function checkUniqueValues(desired: Desired): Issue[] {
  const issues: Issue[] = [];
  const once = <T extends { source: Position }>(
    entities: readonly T[],
    valueOf: (e: T) => string | null,
    issue: (e: T, value: string, first: T) => Issue,
  ) => {
    const seen = new Map<string, T>();
    for (const entity of entities) {
      const value = valueOf(entity);
      if (value === null) continue;
      const first = seen.get(value);
      if (first) issues.push(issue(entity, value, first));
      else seen.set(value, entity);
    }
  };
  once(
    desired.users,
    (u) => u.username ?? null,
    (u, username, first) => ({
      rule: "duplicate-username",
      message: `user "${u.email}" has the username "${username}", as user "${first.email}" (at ${formatPosition(first.source)}); Flagsmith's usernames are unique`,
      position: u.source,
      hint: "give each user its own username, or leave username out",
    }),
  );
  once(
    desired.masterApiKeys,
    (k) => (k.key === null ? null : k.key.split(".")[0]!),
    (k, prefix, first) => ({
      rule: "master-api-key-prefix-taken",
      message: `master API key "${k.name}": the key's prefix "${prefix}" (the part before the dot) is also used by master API key "${first.name}" (at ${formatPosition(first.source)}); Flagsmith looks keys up by prefix, so it must be unique`,
      position: k.source,
      hint: "choose a key with another 8-character prefix, or leave out key: to have one generated",
    }),
  );
  return issues;
}
