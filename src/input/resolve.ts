import type { Issue, Position } from "../errors.ts";
import {
  emptyDesired,
  normaliseEmail,
  type Desired,
  type EnvironmentRef,
  type ProjectRef,
  type UserPassword,
} from "../kinds/index.ts";
import type { ParsedFile, Path } from "./load.ts";
import type {
  EnvironmentSpec,
  FeatureSpec,
  OrganisationSpec,
  PermissionSpec,
  ProjectSpec,
  SegmentSpec,
  Spec,
  UserSpec,
} from "./schema.ts";
import { asWritten, toDashboardShape } from "./segment-shape.ts";
import { addFeatureContent, addTags, environmentSettings, projectSettings } from "./resolve-content.ts";
import { quoteList } from "../suggest.ts";

/** One validated file. */
export interface CheckedFile {
  file: ParsedFile;
  spec: Spec;
}

/**
 * Spec → Desired: flattens nesting, binds project references, normalises emails and converts segment rules.
 * Lists may still hold duplicates (rules/duplicates.ts merges them). Files are read in the order given.
 * A file's lists may have holes where an entity with problems was left out (salvage.ts): they are read with
 * `forEach`, which skips holes and gives the others their index as written (their positions depend on it).
 */
export function resolveSpec(files: readonly CheckedFile[]): { desired: Desired; issues: Issue[] } {
  const desired = emptyDesired();
  const issues: Issue[] = [];
  const projectOrganisations = declaredProjects(files);
  for (const { file, spec } of files) {
    const at = (path: Path, target?: "key" | "value"): Position => file.at(path, target);
    if (spec.app_domain != null) {
      desired.appDomain ??= { value: spec.app_domain, source: file.at(["app_domain"]) };
      if (desired.appDomain.value !== spec.app_domain) {
        issues.push(conflict("app_domain", file.at(["app_domain"]), desired.appDomain.source));
      }
    }
    (spec.users ?? []).forEach((user, i) => desired.users.push({ ...toUser(user), source: at(["users", i]) }));
    (spec.organisations ?? []).forEach((org, i) => addOrganisation(desired, org, ["organisations", i], at));
    (spec.master_api_keys ?? []).forEach((key, i) =>
      desired.masterApiKeys.push({
        organisation: key.organisation,
        name: key.name,
        isAdmin: key.is_admin ?? undefined,
        key: key.key ?? null,
        source: at(["master_api_keys", i]),
      }),
    );
    (spec.projects ?? []).forEach((project, i) => addProject(desired, project, ["projects", i], at));
    const bind = (entity: { project: string; organisation?: string | null }, path: Path): ProjectRef => {
      if (entity.organisation != null) return { organisation: entity.organisation, name: entity.project };
      const candidates = projectOrganisations.get(entity.project) ?? [];
      if (candidates.length > 1) issues.push(ambiguous(entity.project, candidates, file.at(path)));
      return { organisation: candidates[0] ?? null, name: entity.project };
    };
    (spec.environments ?? []).forEach((env, i) =>
      addEnvironment(desired, env, bind(env, ["environments", i, "project"]), ["environments", i], at),
    );
    (spec.features ?? []).forEach((feature, i) =>
      addFeature(desired, feature, bind(feature, ["features", i, "project"]), ["features", i], at),
    );
    (spec.segments ?? []).forEach((segment, i) =>
      addSegment(desired, segment, bind(segment, ["segments", i, "project"]), ["segments", i], at),
    );
  }
  for (const user of desired.users) user.email = normaliseEmail(user.email);
  return { desired, issues };
}

/** Project name → organisations declaring a project of that name, in order of first appearance. */
function declaredProjects(files: readonly CheckedFile[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { spec } of files) {
    (spec.projects ?? []).forEach((project) => {
      const list = map.get(project.name) ?? [];
      if (!list.includes(project.organisation)) list.push(project.organisation);
      map.set(project.name, list);
    });
  }
  return map;
}

function toUser(user: UserSpec) {
  const password: UserPassword =
    user.password != null
      ? { kind: "plain", value: user.password }
      : user.password_hash != null
        ? { kind: "hash", value: user.password_hash }
        : { kind: "unusable" };
  return {
    email: user.email,
    isSuperuser: user.is_superuser ?? undefined,
    firstName: user.first_name ?? undefined,
    lastName: user.last_name ?? undefined,
    username: user.username ?? undefined,
    password,
  };
}

type At = (path: Path, target?: "key" | "value") => Position;

function addOrganisation(desired: Desired, org: OrganisationSpec, path: Path, at: At): void {
  const organisation = org.name;
  const sub = org.subscription;
  desired.organisations.push({
    name: organisation,
    subscription: sub
      ? {
          ...(sub.plan != null && { plan: sub.plan }),
          ...(sub.seats != null && { seats: sub.seats }),
          ...(sub.max_api_calls != null && { maxApiCalls: sub.max_api_calls }),
          ...(sub.subscription_id != null && { subscriptionId: sub.subscription_id }),
        }
      : null,
    source: at(path),
  });
  (org.members ?? []).forEach((m, i) =>
    desired.memberships.push({
      organisation,
      email: normaliseEmail(m.email),
      role: m.role ?? undefined,
      source: at([...path, "members", i]),
    }),
  );
  (org.groups ?? []).forEach((g, i) => {
    const groupPath = [...path, "groups", i];
    desired.groups.push({ organisation, name: g.name, isDefault: g.is_default ?? undefined, source: at(groupPath) });
    (g.members ?? []).forEach((email, j) =>
      desired.groupMembers.push({
        organisation,
        group: g.name,
        email: normaliseEmail(email),
        source: at([...groupPath, "members", j]),
      }),
    );
  });
  (org.permissions ?? []).forEach((p, i) =>
    desired.organisationPermissions.push({
      organisation,
      email: normaliseEmail(p.user),
      permissions: p.permissions,
      source: at([...path, "permissions", i]),
    }),
  );
}

function addProject(desired: Desired, project: ProjectSpec, path: Path, at: At): void {
  const ref: ProjectRef = { organisation: project.organisation, name: project.name };
  desired.projects.push({
    organisation: project.organisation,
    name: project.name,
    settings: projectSettings(project),
    source: at(path),
  });
  addTags(desired, project, ref, path, at);
  (project.permissions ?? []).forEach((p, i) =>
    desired.projectPermissions.push({ project: ref, ...permission(p), source: at([...path, "permissions", i]) }),
  );
  (project.environments ?? []).forEach((env, i) => addEnvironment(desired, env, ref, [...path, "environments", i], at));
  (project.features ?? []).forEach((feature, i) => addFeature(desired, feature, ref, [...path, "features", i], at));
  (project.segments ?? []).forEach((segment, i) => addSegment(desired, segment, ref, [...path, "segments", i], at));
}

function permission(p: PermissionSpec) {
  return { email: normaliseEmail(p.user), permissions: p.permissions ?? [], admin: p.admin ?? undefined };
}

type Nested<T> = Omit<T, "project" | "organisation">;

function addEnvironment(desired: Desired, env: Nested<EnvironmentSpec>, project: ProjectRef, path: Path, at: At): void {
  const environment: EnvironmentRef = { project, name: env.name };
  desired.environments.push({
    project,
    name: env.name,
    description: env.description ?? undefined,
    showKey: env.show_key ?? false,
    settings: environmentSettings(env),
    source: at(path),
  });
  (env.permissions ?? []).forEach((p, i) =>
    desired.environmentPermissions.push({ environment, ...permission(p), source: at([...path, "permissions", i]) }),
  );
  (env.identities ?? []).forEach((identity, i) =>
    desired.identities.push({
      environment,
      identifier: identity.identifier,
      traits: { ...(identity.traits ?? {}) },
      source: at([...path, "identities", i]),
    }),
  );
}

function addFeature(desired: Desired, feature: Nested<FeatureSpec>, project: ProjectRef, path: Path, at: At): void {
  desired.features.push({
    project,
    name: feature.name,
    description: feature.description ?? undefined,
    defaultEnabled: feature.default_enabled ?? undefined,
    initialValue: feature.initial_value ?? undefined,
    isServerKeyOnly: feature.is_server_key_only ?? undefined,
    source: at(path),
  });
  addFeatureContent(desired, feature, project, path, at);
}

function addSegment(desired: Desired, segment: Nested<SegmentSpec>, project: ProjectRef, path: Path, at: At): void {
  desired.segments.push({
    project,
    name: segment.name,
    description: segment.description ?? undefined,
    rules: segment.rules_shape === "as_written" ? segment.rules.map(asWritten) : toDashboardShape(segment.rules),
    source: at(path),
  });
}

function ambiguous(name: string, organisations: readonly string[], position: Position): Issue {
  return {
    rule: "ambiguous-project",
    message: `project "${name}" is declared in several organisations: ${quoteList(organisations)}`,
    position,
    hint: `add "organisation:" naming one of ${quoteList(organisations)}`,
  };
}

function conflict(what: string, position: Position, first: Position): Issue {
  return {
    rule: "conflicting-duplicate",
    message: `${what} is declared again with a different value (first declared at ${first.file}:${first.line}:${first.column})`,
    position,
    hint: "keep one value, or make both declarations identical",
  };
}
