/**
 * The registry of entity kinds: one record per kind (its Desired type in EntityOf, its spec in KINDS), and
 * everything per-kind derived from them: the processing order, the Desired and Existing shapes and their
 * empty states, keys, references, parents and labels. A new kind that is missing anywhere does not compile.
 */
import type { Position } from "../errors.ts";
import { type DesiredEnvironment, environment } from "./environment.ts";
import { type DesiredFeature, feature } from "./feature.ts";
import {
  type DesiredFeatureGroupOwner,
  type DesiredFeatureOwner,
  featureGroupOwner,
  featureOwner,
} from "./feature-owner.ts";
import {
  type DesiredFeatureState,
  type DesiredIdentityOverride,
  type DesiredSegmentOverride,
  featureState,
  identityOverride,
  segmentOverride,
} from "./feature-state.ts";
import { type DesiredMultivariateOption, multivariateOption } from "./multivariate-option.ts";
import { type DesiredFeatureTag, type DesiredTag, featureTag, tag } from "./tag.ts";
import { type DesiredGroup, type DesiredGroupMember, group, groupMember } from "./group.ts";
import { type DesiredIdentity, identity } from "./identity.ts";
import { type DesiredMasterApiKey, masterApiKey } from "./master-api-key.ts";
import { type DesiredMembership, membership } from "./membership.ts";
import { type DesiredOrganisation, organisation } from "./organisation.ts";
import {
  type DesiredEnvironmentPermission,
  type DesiredOrganisationPermission,
  type DesiredProjectPermission,
  environmentPermission,
  organisationPermission,
  projectPermission,
} from "./permissions.ts";
import { type DesiredProject, project } from "./project.ts";
import { type DesiredSegment, segment } from "./segment.ts";
import type { EnvironmentRef, ProjectRef } from "./refs.ts";
import type { KindSpec, Label, Reference } from "./spec.ts";
import type { StoredEntities } from "./drift.ts";
import { type DesiredUser, user } from "./user.ts";

/** What each kind's entity is, once resolved from the files. The one list of kinds. */
export interface EntityOf {
  user: DesiredUser;
  organisation: DesiredOrganisation;
  membership: DesiredMembership;
  group: DesiredGroup;
  groupMember: DesiredGroupMember;
  organisationPermission: DesiredOrganisationPermission;
  masterApiKey: DesiredMasterApiKey;
  project: DesiredProject;
  projectPermission: DesiredProjectPermission;
  tag: DesiredTag;
  environment: DesiredEnvironment;
  environmentPermission: DesiredEnvironmentPermission;
  identity: DesiredIdentity;
  segment: DesiredSegment;
  feature: DesiredFeature;
  featureTag: DesiredFeatureTag;
  featureOwner: DesiredFeatureOwner;
  featureGroupOwner: DesiredFeatureGroupOwner;
  multivariateOption: DesiredMultivariateOption;
  featureState: DesiredFeatureState;
  segmentOverride: DesiredSegmentOverride;
  identityOverride: DesiredIdentityOverride;
}

export type Kind = keyof EntityOf;

/** Every kind's spec, in processing order (contract §1 "Processing order"): the plan lists actions in this order. */
export const KINDS = {
  user,
  organisation,
  membership,
  group,
  groupMember,
  organisationPermission,
  masterApiKey,
  project,
  projectPermission,
  tag,
  environment,
  environmentPermission,
  identity,
  segment,
  feature,
  featureTag,
  featureOwner,
  featureGroupOwner,
  multivariateOption,
  featureState,
  segmentOverride,
  identityOverride,
} as const satisfies { [K in Kind]: KindSpec<K> };

export const KIND_ORDER = Object.keys(KINDS) as Kind[];

/** The name of each kind's list in Desired (`users`, `identities`). */
export type ListOf<K extends Kind> = (typeof KINDS)[K]["list"];

/** The desired state: every declaration of every source, flattened, references bound where the files allow. */
export type Desired = { appDomain: { value: string; source: Position } | null } & {
  [K in Kind as ListOf<K>]: EntityOf[K][];
};

/** An empty desired state (the start of resolution). */
export function emptyDesired(): Desired {
  return { appDomain: null, ...Object.fromEntries(KIND_ORDER.map((k) => [KINDS[k].list, []])) } as Desired;
}

/** The entities of one kind in a desired state. */
export function entitiesOf<K extends Kind>(desired: Desired, kind: K): EntityOf[K][] {
  return (desired as unknown as Record<string, EntityOf[K][]>)[KINDS[kind].list]!;
}

/** A copy of `desired` with the entities of one kind replaced. */
export function withEntities<K extends Kind>(desired: Desired, kind: K, entities: EntityOf[K][]): Desired {
  return { ...desired, [KINDS[kind].list]: entities };
}

/** One kind's spec, typed by its kind (KINDS' literal types are narrower than one KindSpec<K> for every K). */
export function specOf<K extends Kind>(kind: K): KindSpec<K> {
  return KINDS[kind] as unknown as KindSpec<K>;
}

/** The idempotency key of an entity. */
export function keyOf<K extends Kind>(kind: K, entity: EntityOf[K]): string {
  return specOf(kind).key(entity);
}

/** What an entity refers to; a nested kind's parent first. */
export function referencesOf<K extends Kind>(kind: K, entity: EntityOf[K]): Reference[] {
  return specOf(kind).references(entity);
}

/** How the output names an entity. */
export function labelOfEntity<K extends Kind>(kind: K, entity: EntityOf[K]): Label {
  return specOf(kind).label(entity);
}

/** The kinds that live in a project, with how to read and replace their project reference. */
export const IN_PROJECT = KIND_ORDER.flatMap((kind) => {
  const spec = specOf(kind);
  return spec.project ? [{ kind, ...spec.project }] : [];
});

/** A copy of `desired` whose project references are replaced by `bind`'s (given the reference and its entity). */
export function mapProjectRefs(
  desired: Desired,
  bind: (ref: ProjectRef, entity: EntityOf[Kind]) => ProjectRef,
): Desired {
  let out = desired;
  for (const { kind, of, with: replace } of IN_PROJECT) {
    out = withEntities(
      out,
      kind,
      entitiesOf(desired, kind).map((e) => replace(e, bind(of(e), e))),
    );
  }
  return out;
}

/** Every project reference of the desired state (declared projects aside), with the entity making it. */
export function projectRefsOf(desired: Desired): { ref: ProjectRef; from: EntityOf[Kind] }[] {
  return IN_PROJECT.flatMap(({ kind, of }) => entitiesOf(desired, kind).map((e) => ({ ref: of(e), from: e })));
}

/** Every environment reference of the desired state (declared environments aside), with the entity making it. */
export function environmentRefsOf(desired: Desired): { ref: EnvironmentRef; from: EntityOf[Kind] }[] {
  return IN_PROJECT.flatMap(({ kind, environment }) =>
    environment ? entitiesOf(desired, kind).map((e) => ({ ref: environment(e), from: e })) : [],
  );
}

/**
 * Every reference the desired state makes to one kind, with the entity making it. A kind refers to the same
 * kinds from every entity, so a kind whose first entity does not refer to `kind` is passed over whole (the
 * readers call this on every run, for tens of thousands of entities).
 */
export function referencesTo(desired: Desired, kind: Kind): { ref: Reference; from: EntityOf[Kind] }[] {
  const found: { ref: Reference; from: EntityOf[Kind] }[] = [];
  for (const k of KIND_ORDER) {
    const entities = entitiesOf(desired, k);
    if (entities.length === 0 || !referencesOf(k, entities[0]!).some((r) => r.kind === kind)) continue;
    for (const from of entities) {
      for (const ref of referencesOf(k, from)) if (ref.kind === kind) found.push({ ref, from });
    }
  }
  return found;
}

/** Ids of rows that already exist, per kind, by idempotency key. */
export type ExistingIds = { [K in Kind]: Map<string, number | string> };

/**
 * What the database already holds, as far as the desired state is concerned: read by flagsmith/ (one query
 * per kind), pure data from then on.
 */
export interface Existing {
  /** false for the offline dry run: nothing is known, references to undeclared entities are assumed to exist. */
  complete: boolean;
  ids: ExistingIds;
  /** Organisations holding a project of each name, to bind references that name no organisation. */
  projectOrganisations: Map<string, string[]>;
  /** Master API keys (by key) whose name is held only by revoked or soft-deleted rows: skipped, never re-created. */
  revokedMasterApiKeys: Set<string>;
  /** What the existing entities hold, in the desired state's shape, to compare with the files (drift). */
  stored: StoredEntities;
}

/** No rows at all: an empty instance (the offline dry run), or a database before any reads. */
export function emptyExisting(complete: boolean): Existing {
  const ids = Object.fromEntries(KIND_ORDER.map((k) => [k, new Map()])) as ExistingIds;
  const stored = Object.fromEntries(KIND_ORDER.map((k) => [k, new Map()])) as StoredEntities;
  return { complete, ids, projectOrganisations: new Map(), revokedMasterApiKeys: new Set(), stored };
}

export * from "./environment.ts";
export * from "./feature.ts";
export * from "./feature-owner.ts";
export * from "./feature-state.ts";
export * from "./multivariate-option.ts";
export * from "./tag.ts";
export * from "./values.ts";
export * from "./drift.ts";
export * from "./group.ts";
export * from "./identity.ts";
export * from "./master-api-key.ts";
export * from "./membership.ts";
export * from "./organisation.ts";
export * from "./permissions.ts";
export * from "./project.ts";
export * from "./refs.ts";
export * from "./segment.ts";
export * from "./segment-shape.ts";
export * from "./text-order.ts";
export type { KindSpec, Label, Reference } from "./spec.ts";
export * from "./user.ts";
