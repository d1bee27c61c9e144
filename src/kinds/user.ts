/** Users (users_ffadminuser): keyed by email, case-insensitively, as Flagsmith's login compares them. */
import { type Reference, type KindSpec, q } from "./spec.ts";
import type { Sourced } from "./refs.ts";

export type UserPassword = { kind: "unusable" } | { kind: "plain"; value: string } | { kind: "hash"; value: string };

export interface DesiredUser extends Sourced {
  email: string;
  /** undefined: not declared (Flagsmith's default, and not compared with the database). */
  isSuperuser?: boolean;
  firstName?: string;
  lastName?: string;
  username?: string | null;
  /** Never compared with the database: a secret. */
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
  parents: [],
  noun: "user",
  key: (e) => userKey(e.email),
  references: () => [],
  label: (e) => ({ text: `user ${q(e.email)}`, fields: { name: e.email } }),
  limited: (e) => [
    { columns: "users_ffadminuser.email", value: e.email, what: () => `user ${q(e.email)} email` },
    { columns: "users_ffadminuser.first_name", value: e.firstName, what: () => `user ${q(e.email)} first_name` },
    { columns: "users_ffadminuser.last_name", value: e.lastName, what: () => `user ${q(e.email)} last_name` },
    { columns: "users_ffadminuser.username", value: e.username, what: () => `user ${q(e.email)} username` },
    ...(e.password.kind === "hash"
      ? [
          {
            columns: "users_ffadminuser.password",
            value: e.password.value,
            what: () => `user ${q(e.email)} password_hash`,
          },
        ]
      : []),
  ],
  compared: [
    { field: "is_superuser", value: (e) => e.isSuperuser },
    { field: "first_name", value: (e) => e.firstName },
    { field: "last_name", value: (e) => e.lastName },
    { field: "username", value: (e) => e.username },
  ],
} as const satisfies KindSpec<"user">;
