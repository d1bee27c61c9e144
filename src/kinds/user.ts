/** Users (users_ffadminuser): keyed by email, case-insensitively, as Flagsmith's login compares them. */
import type { Reference, KindSpec } from "./spec.ts";
import { q } from "./spec.ts";
import type { Sourced } from "./refs.ts";

export type UserPassword = { kind: "unusable" } | { kind: "plain"; value: string } | { kind: "hash"; value: string };

export interface DesiredUser extends Sourced {
  email: string;
  isSuperuser: boolean;
  firstName: string;
  lastName: string;
  username: string | null;
  password: UserPassword;
}

/** Login uses `email__iexact`: two emails differing in case are one user. */
export const userKey = (email: string): string => email.toLowerCase();

export const userRef = (email: string): Reference => ({ kind: "user", key: userKey(email), label: `user ${q(email)}` });

/** Django's `BaseUserManager.normalize_email`: trimmed, the part after the last `@` lower-cased. */
export function normaliseEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf("@");
  if (at < 0) return trimmed;
  return trimmed.slice(0, at) + "@" + trimmed.slice(at + 1).toLowerCase();
}

export const user = {
  list: "users",
  parent: null,
  noun: "user",
  key: (e) => userKey(e.email),
  references: () => [],
  label: (e) => ({ text: `user ${q(e.email)}`, fields: { name: e.email } }),
} as const satisfies KindSpec<"user">;
