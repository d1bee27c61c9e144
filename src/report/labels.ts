import { type Action, type ActionOf } from "../kinds/plan.ts";
import { type Kind } from "../kinds/index.ts";

/** How the output names one action: its words for the text line and its fields for JSON. */
export interface Label {
  /** Top-level: `environment "Development" in project "Web App"`; nested: the object of "Added …". */
  text: string;
  /** Identifying fields for the JSON document (name plus the parents that locate it). */
  fields: Record<string, string | boolean | string[]>;
}

const q = (value: string): string => `"${value}"`;

/** `A, B` for permission keys; project and environment admins are listed as ADMIN first. */
function permissionList(permissions: string[], admin = false): string {
  const all = admin ? ["ADMIN", ...permissions] : permissions;
  return all.length ? all.join(", ") : "(none)";
}

function inProject(project: { name: string }): string {
  return `in project ${q(project.name)}`;
}

const LABELS: { [K in Kind]: (entity: ActionOf<K>["entity"]) => Label } = {
  user: (e) => ({ text: `user ${q(e.email)}`, fields: { name: e.email } }),
  organisation: (e) => ({ text: `organisation ${q(e.name)}`, fields: { name: e.name } }),
  membership: (e) => ({
    text: `user ${q(e.email)} to organisation ${q(e.organisation)} as ${e.role}`,
    fields: { name: e.email, organisation: e.organisation, role: e.role },
  }),
  group: (e) => ({ text: `group ${q(e.name)} to organisation ${q(e.organisation)}`, fields: { name: e.name, organisation: e.organisation } }),
  groupMember: (e) => ({
    text: `user ${q(e.email)} to group ${q(e.group)} in organisation ${q(e.organisation)}`,
    fields: { name: e.email, group: e.group, organisation: e.organisation },
  }),
  organisationPermission: (e) => ({
    text: `permissions ${permissionList(e.permissions)} for user ${q(e.email)} to organisation ${q(e.organisation)}`,
    fields: { name: e.email, organisation: e.organisation, permissions: e.permissions },
  }),
  masterApiKey: (e) => ({ text: `master API key ${q(e.name)}`, fields: { name: e.name, organisation: e.organisation } }),
  project: (e) => ({ text: `project ${q(e.name)}`, fields: { name: e.name, organisation: e.organisation } }),
  projectPermission: (e) => ({
    text: `permissions ${permissionList(e.permissions, e.admin)} for user ${q(e.email)} to project ${q(e.project.name)}`,
    fields: { name: e.email, ...projectFields(e.project), permissions: e.permissions, admin: e.admin },
  }),
  environment: (e) => ({ text: `environment ${q(e.name)} ${inProject(e.project)}`, fields: { name: e.name, ...projectFields(e.project) } }),
  environmentPermission: (e) => ({
    text: `permissions ${permissionList(e.permissions, e.admin)} for user ${q(e.email)} to environment ${q(e.environment.name)} ${inProject(e.environment.project)}`,
    fields: { name: e.email, environment: e.environment.name, ...projectFields(e.environment.project), permissions: e.permissions, admin: e.admin },
  }),
  identity: (e) => ({
    text: `identity ${q(e.identifier)} to environment ${q(e.environment.name)} ${inProject(e.environment.project)}`,
    fields: { name: e.identifier, environment: e.environment.name, ...projectFields(e.environment.project) },
  }),
  segment: (e) => ({ text: `segment ${q(e.name)} ${inProject(e.project)}`, fields: { name: e.name, ...projectFields(e.project) } }),
  feature: (e) => ({ text: `feature ${q(e.name)} ${inProject(e.project)}`, fields: { name: e.name, ...projectFields(e.project) } }),
};

function projectFields(project: { organisation: string | null; name: string }): Record<string, string> {
  return project.organisation ? { project: project.name, organisation: project.organisation } : { project: project.name };
}

/** The label of one action (contract §3 wording). */
export function labelOf(action: Action): Label {
  return (LABELS[action.kind] as (entity: Action["entity"]) => Label)(action.entity);
}

/** What a skip line says in its parentheses: why nothing is created. */
export function skipReasonOf(action: Action): string {
  return action.reason === "revoked" ? "revoked in the database" : "already exists";
}

/** Nested kinds are "Added" to an existing parent; top-level kinds are "Created". */
export function isNested(action: Action): boolean {
  return action.parent !== null;
}
