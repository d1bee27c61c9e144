import type { EnvironmentRef, ProjectRef } from "../spec/desired.ts";
import type { EntityOf, Kind } from "./actions.ts";

/**
 * Idempotency keys: the strings that decide whether an entity "already exists".
 * One function per kind, shared by resolution (duplicates), diffing and the database readers, so
 * the three can never disagree. Case rules mirror Flagsmith: emails and feature names compare
 * case-insensitively (login uses `email__iexact`; features have a `lower(name)` unique index).
 */
const SEP = "\u001f";

export const userKey = (email: string) => email.toLowerCase();
export const organisationKey = (name: string) => name;
export const membershipKey = (organisation: string, email: string) => organisation + SEP + userKey(email);
export const groupKey = (organisation: string, name: string) => organisation + SEP + name;
export const groupMemberKey = (organisation: string, group: string, email: string) =>
  groupKey(organisation, group) + SEP + userKey(email);
export const organisationPermissionKey = membershipKey;
export const masterApiKeyKey = (organisation: string, name: string) => organisation + SEP + name;

/** Key of a project; the reference must be bound (organisation known). */
export function projectKey(ref: ProjectRef): string {
  if (ref.organisation === null) throw new Error(`unbound project reference "${ref.name}"`);
  return ref.organisation + SEP + ref.name;
}
export const projectPermissionKey = (project: ProjectRef, email: string) => projectKey(project) + SEP + userKey(email);
export const environmentKey = (ref: EnvironmentRef) => projectKey(ref.project) + SEP + ref.name;
export const environmentPermissionKey = (env: EnvironmentRef, email: string) => environmentKey(env) + SEP + userKey(email);
export const identityKey = (env: EnvironmentRef, identifier: string) => environmentKey(env) + SEP + identifier;
export const segmentKey = (project: ProjectRef, name: string) => projectKey(project) + SEP + name;
export const featureKey = (project: ProjectRef, name: string) => projectKey(project) + SEP + name.toLowerCase();


/** The idempotency key of each kind's entity (references must be bound). */
export const KEY_OF: { [K in Kind]: (entity: EntityOf[K]) => string } = {
  user: (e) => userKey(e.email),
  organisation: (e) => organisationKey(e.name),
  membership: (e) => membershipKey(e.organisation, e.email),
  group: (e) => groupKey(e.organisation, e.name),
  groupMember: (e) => groupMemberKey(e.organisation, e.group, e.email),
  organisationPermission: (e) => organisationPermissionKey(e.organisation, e.email),
  masterApiKey: (e) => masterApiKeyKey(e.organisation, e.name),
  project: (e) => projectKey(e),
  projectPermission: (e) => projectPermissionKey(e.project, e.email),
  environment: (e) => environmentKey(e),
  environmentPermission: (e) => environmentPermissionKey(e.environment, e.email),
  identity: (e) => identityKey(e.environment, e.identifier),
  segment: (e) => segmentKey(e.project, e.name),
  feature: (e) => featureKey(e.project, e.name),
};

/** A reference from an entity to another entity that must be declared or already exist. */
export interface Reference {
  kind: Kind;
  key: string;
  /** How the user names it, e.g. `user "a@b.c"`. */
  label: string;
}

const userRef = (email: string): Reference => ({ kind: "user", key: userKey(email), label: `user "${email}"` });
const organisationRef = (name: string): Reference => ({ kind: "organisation", key: organisationKey(name), label: `organisation "${name}"` });
const projectRef = (ref: ProjectRef): Reference => ({ kind: "project", key: projectKey(ref), label: `project "${ref.name}"` });
const environmentRef = (ref: EnvironmentRef): Reference => ({
  kind: "environment",
  key: environmentKey(ref),
  label: `environment "${ref.name}" of project "${ref.project.name}"`,
});

/** What each kind's entity refers to (references must be bound). */
export const REFERENCES_OF: { [K in Kind]: (entity: EntityOf[K]) => Reference[] } = {
  user: () => [],
  organisation: () => [],
  membership: (e) => [organisationRef(e.organisation), userRef(e.email)],
  group: (e) => [organisationRef(e.organisation)],
  groupMember: (e) => [
    { kind: "group", key: groupKey(e.organisation, e.group), label: `group "${e.group}" of organisation "${e.organisation}"` },
    userRef(e.email),
  ],
  organisationPermission: (e) => [organisationRef(e.organisation), userRef(e.email)],
  masterApiKey: (e) => [organisationRef(e.organisation)],
  project: (e) => [organisationRef(e.organisation)],
  projectPermission: (e) => [projectRef(e.project), userRef(e.email)],
  environment: (e) => [projectRef(e.project)],
  environmentPermission: (e) => [environmentRef(e.environment), userRef(e.email)],
  identity: (e) => [environmentRef(e.environment)],
  segment: (e) => [projectRef(e.project)],
  feature: (e) => [projectRef(e.project)],
};
