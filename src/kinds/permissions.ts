/** Permission entries of a user on an organisation, a project or an environment: keyed by target and user. */
import { type KindSpec, inEnvironmentField, inProjectField, q } from "./spec.ts";
import { environmentKey, projectKey, SEP, type EnvironmentRef, type ProjectRef, type Sourced } from "./refs.ts";
import { environmentRef } from "./environment.ts";
import { organisationRef, userInOrganisationKey } from "./organisation.ts";
import { inProject, projectFields, projectRef } from "./project.ts";
import { userKey, userRef } from "./user.ts";

export interface DesiredOrganisationPermission extends Sourced {
  organisation: string;
  email: string;
  permissions: string[];
}

export interface DesiredProjectPermission extends Sourced {
  project: ProjectRef;
  email: string;
  permissions: string[];
  /** undefined: not declared (false, and not compared with the database). */
  admin?: boolean;
}

export interface DesiredEnvironmentPermission extends Sourced {
  environment: EnvironmentRef;
  email: string;
  permissions: string[];
  admin?: boolean;
}

export const organisationPermissionKey = userInOrganisationKey;
export const projectPermissionKey = (project: ProjectRef, email: string): string =>
  projectKey(project) + SEP + userKey(email);
export const environmentPermissionKey = (environment: EnvironmentRef, email: string): string =>
  environmentKey(environment) + SEP + userKey(email);

/** `A, B` for permission keys; project and environment admins are listed as ADMIN first. */
function permissionList(permissions: string[], admin = false): string {
  const all = admin ? ["ADMIN", ...permissions] : permissions;
  return all.length ? all.join(", ") : "(none)";
}

/** The keys an entry grants, as a set: the order they are listed in means nothing. */
const keysCompared = {
  field: "permissions",
  value: (e: { permissions: string[] }) => [...new Set(e.permissions)].sort(),
};
const adminCompared = { field: "admin", value: (e: { admin?: boolean }) => e.admin };

export const organisationPermission = {
  list: "organisationPermissions",
  parents: ["organisation"],
  noun: "organisation permission",
  key: (e) => organisationPermissionKey(e.organisation, e.email),
  references: (e) => [organisationRef(e.organisation), userRef(e.email)],
  label: (e) => ({
    text: `permissions ${permissionList(e.permissions)} for user ${q(e.email)} to organisation ${q(e.organisation)}`,
    fields: { name: e.email, organisation: e.organisation, permissions: e.permissions },
  }),
  limited: () => [],
  compared: [keysCompared],
} as const satisfies KindSpec<"organisationPermission">;

export const projectPermission = {
  list: "projectPermissions",
  parents: ["project"],
  noun: "project permission",
  key: (e) => projectPermissionKey(e.project, e.email),
  references: (e) => [projectRef(e.project), userRef(e.email)],
  label: (e) => ({
    text: `permissions ${permissionList(e.permissions, e.admin ?? false)} for user ${q(e.email)} to project ${q(e.project.name)}`,
    fields: { name: e.email, ...projectFields(e.project), permissions: e.permissions, admin: e.admin ?? false },
  }),
  project: inProjectField<DesiredProjectPermission>(),
  limited: () => [],
  compared: [keysCompared, adminCompared],
} as const satisfies KindSpec<"projectPermission">;

export const environmentPermission = {
  list: "environmentPermissions",
  parents: ["environment"],
  noun: "environment permission",
  key: (e) => environmentPermissionKey(e.environment, e.email),
  references: (e) => [environmentRef(e.environment), userRef(e.email)],
  label: (e) => ({
    text: `permissions ${permissionList(e.permissions, e.admin ?? false)} for user ${q(e.email)} to environment ${q(e.environment.name)} ${inProject(e.environment.project)}`,
    fields: {
      name: e.email,
      environment: e.environment.name,
      ...projectFields(e.environment.project),
      permissions: e.permissions,
      admin: e.admin ?? false,
    },
  }),
  project: inEnvironmentField<DesiredEnvironmentPermission>(),
  limited: () => [],
  compared: [keysCompared, adminCompared],
} as const satisfies KindSpec<"environmentPermission">;
