import { type Kind } from "../kinds/index.ts";
import type { KindModule } from "./context.ts";
import { users } from "./users.ts";
import { organisations, memberships } from "./organisations.ts";
import { groups, groupMembers } from "./groups.ts";
import { organisationPermissions, projectPermissions, environmentPermissions } from "./permissions.ts";
import { masterApiKeys } from "./api-keys.ts";
import { projects } from "./projects.ts";
import { environments } from "./environments.ts";
import { identities } from "./identities.ts";
import { segments } from "./segments.ts";
import { features } from "./features.ts";

/** Every kind's reader and writer. A new Kind does not compile until it is registered here. */
export const KIND_MODULES: { [K in Kind]: KindModule<K> } = {
  user: users,
  organisation: organisations,
  membership: memberships,
  group: groups,
  groupMember: groupMembers,
  organisationPermission: organisationPermissions,
  masterApiKey: masterApiKeys,
  project: projects,
  projectPermission: projectPermissions,
  environment: environments,
  environmentPermission: environmentPermissions,
  identity: identities,
  segment: segments,
  feature: features,
};
