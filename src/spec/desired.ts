import type { Position } from "../errors.ts";

/**
 * The desired state: every declaration of every source, flattened, with references bound by key.
 * Produced by `resolveSpec` (spec/resolve.ts), consumed by `diffState` (plan/diff.ts).
 * Names are as declared; emails are Django-normalised (see `normaliseEmail`).
 */
export interface Desired {
  appDomain: { value: string; source: Position } | null;
  users: DesiredUser[];
  organisations: DesiredOrganisation[];
  memberships: DesiredMembership[];
  groups: DesiredGroup[];
  groupMembers: DesiredGroupMember[];
  organisationPermissions: DesiredOrganisationPermission[];
  masterApiKeys: DesiredMasterApiKey[];
  projects: DesiredProject[];
  projectPermissions: DesiredProjectPermission[];
  environments: DesiredEnvironment[];
  environmentPermissions: DesiredEnvironmentPermission[];
  identities: DesiredIdentity[];
  segments: DesiredSegment[];
  features: DesiredFeature[];
}

export interface Sourced {
  /** Where the entity (its mapping node) is declared. */
  source: Position;
}

export type UserPassword =
  | { kind: "unusable" }
  | { kind: "plain"; value: string }
  | { kind: "hash"; value: string };

export interface DesiredUser extends Sourced {
  email: string;
  isSuperuser: boolean;
  firstName: string;
  lastName: string;
  username: string | null;
  password: UserPassword;
}

export interface Subscription {
  plan?: string;
  seats?: number;
  maxApiCalls?: number;
  subscriptionId?: string;
}

export interface DesiredOrganisation extends Sourced {
  name: string;
  /** Applied only when the organisation is created (contract §1). */
  subscription: Subscription | null;
}

export type OrganisationRole = "ADMIN" | "USER";

export interface DesiredMembership extends Sourced {
  organisation: string;
  email: string;
  role: OrganisationRole;
}

export interface DesiredGroup extends Sourced {
  organisation: string;
  name: string;
  isDefault: boolean;
}

export interface DesiredGroupMember extends Sourced {
  organisation: string;
  group: string;
  email: string;
}

export interface DesiredOrganisationPermission extends Sourced {
  organisation: string;
  email: string;
  permissions: string[];
}

export interface DesiredMasterApiKey extends Sourced {
  organisation: string;
  name: string;
  isAdmin: boolean;
  /** A caller-chosen key `<8>.<32>`; null means generate one. */
  key: string | null;
}

/**
 * A project named by a declaration. `organisation` is null only when the project is not declared
 * in the files and no `organisation:` was given: the applier then binds it by name in the database.
 */
export interface ProjectRef {
  organisation: string | null;
  name: string;
}

export interface DesiredProject extends Sourced {
  organisation: string;
  name: string;
}

export interface DesiredProjectPermission extends Sourced {
  project: ProjectRef;
  email: string;
  permissions: string[];
  admin: boolean;
}

export interface EnvironmentRef {
  project: ProjectRef;
  name: string;
}

export interface DesiredEnvironment extends Sourced {
  project: ProjectRef;
  name: string;
  description: string | null;
  /** `show_key`: print the client-side key on the text line when created (a reporting choice, not content). */
  showKey: boolean;
}

export interface DesiredEnvironmentPermission extends Sourced {
  environment: EnvironmentRef;
  email: string;
  permissions: string[];
  admin: boolean;
}

export type TraitValue = string | number | boolean;

export interface DesiredIdentity extends Sourced {
  environment: EnvironmentRef;
  identifier: string;
  traits: Record<string, TraitValue>;
}

export const OPERATORS = [
  "EQUAL",
  "NOT_EQUAL",
  "CONTAINS",
  "NOT_CONTAINS",
  "GREATER_THAN",
  "LESS_THAN",
  "GREATER_THAN_INCLUSIVE",
  "LESS_THAN_INCLUSIVE",
  "REGEX",
  "PERCENTAGE_SPLIT",
  "MODULO",
  "IN",
  "IS_SET",
  "IS_NOT_SET",
] as const;
export type Operator = (typeof OPERATORS)[number];

export const RULE_TYPES = ["ALL", "ANY", "NONE"] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export interface SegmentCondition {
  property: string | null;
  operator: Operator;
  /** Always a string when the operator takes a value (Flagsmith stores strings); null for IS_SET/IS_NOT_SET. */
  value: string | null;
  description: string | null;
}

export interface SegmentRule {
  type: RuleType;
  conditions: SegmentCondition[];
  rules: SegmentRule[];
}

export interface DesiredSegment extends Sourced {
  project: ProjectRef;
  name: string;
  description: string | null;
  /** Already in the dashboard's shape: one top-level ALL rule whose children hold the conditions. */
  rules: SegmentRule[];
}

export interface DesiredFeature extends Sourced {
  project: ProjectRef;
  name: string;
  description: string | null;
  defaultEnabled: boolean;
  /** The raw remote-config value as Flagsmith stores it in `features_feature.initial_value`; null for a plain flag. */
  initialValue: string | null;
}

/** Django's `BaseUserManager.normalize_email`: trimmed, the part after the last `@` lower-cased. */
export function normaliseEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf("@");
  if (at < 0) return trimmed;
  return trimmed.slice(0, at) + "@" + trimmed.slice(at + 1).toLowerCase();
}

/** An empty desired state (the start of resolution, and what the offline dry run diffs against). */
export function emptyDesired(): Desired {
  return {
    appDomain: null,
    users: [],
    organisations: [],
    memberships: [],
    groups: [],
    groupMembers: [],
    organisationPermissions: [],
    masterApiKeys: [],
    projects: [],
    projectPermissions: [],
    environments: [],
    environmentPermissions: [],
    identities: [],
    segments: [],
    features: [],
  };
}
