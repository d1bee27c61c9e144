/** Organisation members (organisations_userorganisation): keyed by organisation and user. */
import { type KindSpec, q } from "./spec.ts";
import type { Sourced } from "./refs.ts";
import { organisationRef, userInOrganisationKey } from "./organisation.ts";
import { userRef } from "./user.ts";

export type OrganisationRole = "ADMIN" | "USER";

export interface DesiredMembership extends Sourced {
  organisation: string;
  email: string;
  /** undefined: not declared (a USER, and not compared with the database). */
  role?: OrganisationRole;
}

export const membershipKey = userInOrganisationKey;

export const membership = {
  list: "memberships",
  parents: ["organisation"],
  noun: "organisation member",
  key: (e) => membershipKey(e.organisation, e.email),
  references: (e) => [organisationRef(e.organisation), userRef(e.email)],
  label: (e) => ({
    text: `user ${q(e.email)} to organisation ${q(e.organisation)} as ${e.role ?? "USER"}`,
    fields: { name: e.email, organisation: e.organisation, role: e.role ?? "USER" },
  }),
  limited: () => [],
  compared: [{ field: "role", value: (e) => e.role }],
} as const satisfies KindSpec<"membership">;
