import type { Kind } from "../../kinds/index.ts";
import type { KindModule } from "../context.ts";
import { users } from "./user.ts";
import { organisations, memberships } from "./organisation.ts";
import { groups, groupMembers } from "./group.ts";
import { organisationPermissions, projectPermissions, environmentPermissions } from "./permissions.ts";
import { masterApiKeys } from "./master-api-key.ts";
import { projects } from "./project.ts";
import { environments } from "./environment.ts";
import { identities } from "./identity.ts";
import { segments } from "./segment.ts";
import { features } from "./feature.ts";
import { featureGroupOwners, featureOwners } from "./feature-owner.ts";
import { featureStates } from "./feature-state.ts";
import { multivariateOptions } from "./multivariate-option.ts";
import { identityOverrides } from "./identity-override.ts";
import { segmentOverrides } from "./overrides.ts";
import { featureTags, tags } from "./tag.ts";

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
  tag: tags,
  environment: environments,
  environmentPermission: environmentPermissions,
  identity: identities,
  segment: segments,
  feature: features,
  featureTag: featureTags,
  featureOwner: featureOwners,
  featureGroupOwner: featureGroupOwners,
  multivariateOption: multivariateOptions,
  featureState: featureStates,
  segmentOverride: segmentOverrides,
  identityOverride: identityOverrides,
};
