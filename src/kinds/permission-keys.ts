import type { Issue } from "../errors.ts";
import type { Desired, Sourced } from "./index.ts";
import { didYouMean, validValues } from "../suggest.ts";

/** Valid permission keys per level, as in Flagsmith's `permissions_permissionmodel` table. */
export interface PermissionKeys {
  organisation: string[];
  project: string[];
  environment: string[];
}

/**
 * The rows of `permissions_permissionmodel` in Flagsmith v2.265.0 (seeded by its migrations), used offline.
 * Connected, the applier passes the target database's own rows instead.
 */
export const FLAGSMITH_PERMISSION_KEYS: PermissionKeys = {
  organisation: ["CREATE_PROJECT", "MANAGE_USER_GROUPS"],
  project: [
    "VIEW_PROJECT",
    "CREATE_ENVIRONMENT",
    "DELETE_FEATURE",
    "CREATE_FEATURE",
    "MANAGE_SEGMENTS",
    "MANAGE_PROJECT_LEVEL_CHANGE_REQUESTS",
    "APPROVE_PROJECT_LEVEL_CHANGE_REQUESTS",
    "CREATE_PROJECT_LEVEL_CHANGE_REQUESTS",
    "MANAGE_TAGS",
    "VIEW_AUDIT_LOG",
  ],
  environment: [
    "VIEW_ENVIRONMENT",
    "UPDATE_FEATURE_STATE",
    "MANAGE_IDENTITIES",
    "CREATE_CHANGE_REQUEST",
    "APPROVE_CHANGE_REQUEST",
    "VIEW_IDENTITIES",
    "MANAGE_SEGMENT_OVERRIDES",
  ],
};

/** Every permission key that is not one of `valid` for its level, listing the valid ones. */
export function checkPermissionKeys(desired: Desired, valid: PermissionKeys): Issue[] {
  const issues: Issue[] = [];
  const check = (level: keyof PermissionKeys, entities: readonly (Sourced & { permissions: string[] })[]) => {
    const allowed = new Set(valid[level]);
    for (const entity of entities) {
      for (const key of entity.permissions) {
        if (allowed.has(key)) continue;
        issues.push({
          rule: "unknown-permission-key",
          message: `"${key}" is not a${level === "organisation" ? "n" : ""} ${level} permission key${didYouMean(key, valid[level])}`,
          position: entity.source,
          hint: validValues(valid[level]),
        });
      }
    }
  };
  check("organisation", desired.organisationPermissions);
  check("project", desired.projectPermissions);
  check("environment", desired.environmentPermissions);
  return issues;
}
