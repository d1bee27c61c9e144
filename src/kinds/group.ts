/** Permission groups of an organisation (users_userpermissiongroup) and their members. */
import { type KindSpec, type Reference, q } from "./spec.ts";
import { SEP, type Sourced } from "./refs.ts";
import { organisationRef } from "./organisation.ts";
import { userKey, userRef } from "./user.ts";

export interface DesiredGroup extends Sourced {
  organisation: string;
  name: string;
  /** undefined: not declared (false, and not compared with the database). */
  isDefault?: boolean;
}

export interface DesiredGroupMember extends Sourced {
  organisation: string;
  group: string;
  email: string;
}

export const groupKey = (organisation: string, name: string): string => organisation + SEP + name;

export const groupMemberKey = (organisation: string, group: string, email: string): string =>
  groupKey(organisation, group) + SEP + userKey(email);

const groupRef = (organisation: string, name: string): Reference => ({
  kind: "group",
  key: groupKey(organisation, name),
  label: `group ${q(name)} of organisation ${q(organisation)}`,
});

export const group = {
  list: "groups",
  parents: ["organisation"],
  noun: "group",
  key: (e) => groupKey(e.organisation, e.name),
  references: (e) => [organisationRef(e.organisation)],
  label: (e) => ({
    text: `group ${q(e.name)} to organisation ${q(e.organisation)}`,
    fields: { name: e.name, organisation: e.organisation },
  }),
  limited: (e) => [{ columns: "users_userpermissiongroup.name", value: e.name, what: () => `group ${q(e.name)} name` }],
  compared: [{ field: "is_default", value: (e) => e.isDefault }],
} as const satisfies KindSpec<"group">;

export const groupMember = {
  list: "groupMembers",
  parents: ["group"],
  noun: "group member",
  key: (e) => groupMemberKey(e.organisation, e.group, e.email),
  references: (e) => [groupRef(e.organisation, e.group), userRef(e.email)],
  label: (e) => ({
    text: `user ${q(e.email)} to group ${q(e.group)} in organisation ${q(e.organisation)}`,
    fields: { name: e.email, group: e.group, organisation: e.organisation },
  }),
  limited: () => [],
  compared: [],
} as const satisfies KindSpec<"groupMember">;
