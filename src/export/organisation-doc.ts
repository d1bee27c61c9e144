/**
 * Users, organisations and master API keys as a file declares them: only what differs from what `apply` does
 * without it (a member's role is always written: it is what access hangs on). Lists sorted by their key.
 */
import { userKey, type DesiredMasterApiKey, type DesiredOrganisation, type DesiredUser } from "../kinds/index.ts";
import { sortedBy, type GroupedDesired } from "./group.ts";
import { Inline, type Mapping, type Node } from "./yaml-writer.ts";

/** A mapping of the entries whose value is given (undefined and null are left out). */
export function mapping(entries: Array<[string, Node | null | undefined]>): Mapping {
  return new Map(entries.filter((e): e is [string, Node] => e[1] !== undefined && e[1] !== null));
}

/** A boolean that defaults to false: written only when true. */
export const ifTrue = (value: boolean | undefined): true | undefined => (value ? true : undefined);

/** `value` unless it is empty (an empty list or mapping is not written). */
export function nonEmpty<T extends Node[] | Mapping>(value: T): T | undefined {
  return (Array.isArray(value) ? value.length : value.size) ? value : undefined;
}

export function userDoc(u: DesiredUser): Mapping {
  return mapping([
    ["email", u.email],
    ["is_superuser", ifTrue(u.isSuperuser)],
    ["first_name", u.firstName || undefined],
    ["last_name", u.lastName || undefined],
    ["username", u.username],
    ["password_hash", u.password.kind === "hash" ? u.password.value : undefined],
  ]);
}

export const sortedUsers = (users: readonly DesiredUser[]) =>
  sortedBy(
    users,
    (u) => userKey(u.email),
    (u) => u.email,
  );

export function organisationDoc(o: DesiredOrganisation, g: GroupedDesired): Mapping {
  const sub = o.subscription;
  const members = sortedBy(
    g.memberships.of(o.name),
    (m) => userKey(m.email),
    (m) => m.email,
  );
  const groups = sortedBy(g.groups.of(o.name), (x) => x.name);
  const permissions = sortedBy(
    g.organisationPermissions.of(o.name),
    (p) => userKey(p.email),
    (p) => p.email,
  );
  return mapping([
    ["name", o.name],
    [
      "subscription",
      sub &&
        new Inline(
          mapping([
            ["plan", sub.plan],
            ["seats", sub.seats],
            ["max_api_calls", sub.maxApiCalls],
            ["subscription_id", sub.subscriptionId],
          ]),
        ),
    ],
    [
      "members",
      nonEmpty(
        members.map(
          (m) =>
            new Inline(
              mapping([
                ["email", m.email],
                ["role", m.role ?? "USER"],
              ]),
            ),
        ),
      ),
    ],
    [
      "groups",
      nonEmpty(
        groups.map((x) =>
          mapping([
            ["name", x.name],
            ["is_default", ifTrue(x.isDefault)],
            ["members", sortedEmails(g.groupMembers.of(o.name + "\u001f" + x.name))],
          ]),
        ),
      ),
    ],
    [
      "permissions",
      nonEmpty(
        permissions.map((p) =>
          mapping([
            ["user", p.email],
            ["permissions", keys(p.permissions)],
          ]),
        ),
      ),
    ],
  ]);
}

export function masterApiKeyDoc(k: DesiredMasterApiKey): Inline {
  return new Inline(
    mapping([
      ["name", k.name],
      ["organisation", k.organisation],
      ["is_admin", k.isAdmin ? undefined : false],
    ]),
  );
}

/** Emails in a flow list, sorted as users are keyed (case-insensitively). */
export function sortedEmails(items: readonly { email: string }[]): Inline | undefined {
  const emails = sortedBy(
    items,
    (i) => userKey(i.email),
    (i) => i.email,
  ).map((i) => i.email);
  return emails.length ? new Inline([...new Set(emails)]) : undefined;
}

/** Permission keys in a flow list, sorted; none: not written. */
export function keys(permissions: readonly string[]): Inline | undefined {
  return permissions.length ? new Inline(sortedBy([...new Set(permissions)], (k) => k)) : undefined;
}
