/**
 * Which columns we write, per table: the single source of truth shared by the writers and the
 * compatibility check (compat.ts refuses a database where any of these is missing, or where a table
 * we insert into has a NOT NULL column without a default that is not listed here).
 *
 * Lists describe Flagsmith v2.265.0 (WRITES.md §1, §10, §12). Generated ids are left out (Flagsmith
 * never writes them either); `api_keys_masterapikey.id` (a char PK) and `django_site.id` (Django
 * inserts row 1 explicitly) are written. Nullable columns we always leave NULL are not listed: an
 * INSERT that omits them stores NULL, and not depending on them keeps older schemas compatible.
 *
 * Differences between the v2.203.0 and v2.265.0 dumps in these tables (nothing else differs, and
 * no column changed type, length or nullability):
 * - organisations_organisation.targeting_key varchar(64) NULL: only in v2.265.0 (not written).
 * - api_keys_masterapikey.created_by_id int NULL: only in v2.265.0 (not written: NULL from a CLI).
 * - projects_project.enforce_feature_owners bool NOT NULL: only in v2.265.0 → optional.
 * - environments_environment / environments_historicalenvironment.first_evaluated_at timestamptz
 *   NULL and first_evaluated_sdk_label varchar(100) NULL: only in v2.265.0 (not written).
 * - environments_identity.system_traits jsonb NOT NULL: only in v2.265.0 → optional.
 * - features_featurestate / features_historicalfeaturestate.mv_hashing_salt int NULL: only in
 *   v2.265.0 (not written: NULL for STANDARD features).
 * - segments_segment / segments_historicalsegment.managed_by varchar(50) NOT NULL and rules_data
 *   jsonb NULL: only in v2.265.0 (segments migrations 0031, 0032) → optional.
 */
import { HISTORY_COLUMNS } from "./history-columns.ts";

export const WRITTEN_COLUMNS: Record<string, readonly string[]> = {
  users_ffadminuser: [
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "marketing_consent_given",
    "uuid",
  ],
  organisations_organisation: [
    "name",
    "uuid",
    "has_requested_features",
    "created_date",
    "alerted_over_plan_limit",
    "stop_serving_flags",
    "restrict_project_create_to_admin",
    "persist_trait_data",
    "block_access_to_admin",
    "feature_analytics",
    "force_2fa",
  ],
  organisations_subscription: ["uuid", "organisation_id", "subscription_id", "plan", "max_seats", "max_api_calls"],
  organisations_userorganisation: ["user_id", "organisation_id", "date_joined", "role"],
  users_userpermissiongroup: ["name", "organisation_id", "is_default"],
  users_userpermissiongroup_users: ["userpermissiongroup_id", "ffadminuser_id", "group_admin"],
  organisation_permissions_userorganisationpermission: ["organisation_id", "user_id"],
  organisation_permissions_userorganisationpermission_permissions: [
    "userorganisationpermission_id",
    "permissionmodel_id",
  ],
  api_keys_masterapikey: ["id", "prefix", "hashed_key", "created", "name", "revoked", "organisation_id", "is_admin"],
  projects_project: [
    "name",
    "uuid",
    "created_date",
    "organisation_id",
    "hide_disabled_flags",
    "enable_dynamo_db",
    "prevent_flag_defaults",
    "enforce_feature_owners",
    "enable_realtime_updates",
    "only_allow_lower_case_feature_names",
    "max_segments_allowed",
    "max_features_allowed",
    "max_segment_overrides_allowed",
    "identity_overrides_v2_migration_status",
    "stale_flags_limit_days",
    "feature_name_regex",
  ],
  projects_userprojectpermission: ["user_id", "project_id", "admin"],
  projects_userprojectpermission_permissions: ["userprojectpermission_id", "permissionmodel_id"],
  environments_environment: [
    "name",
    "uuid",
    "created_date",
    "description",
    "project_id",
    "api_key",
    "webhooks_enabled",
    "allow_client_traits",
    "updated_at",
    "use_mv_v2_evaluation",
    "hide_sensitive_data",
    "use_v2_feature_versioning",
    "use_identity_overrides_in_local_eval",
    "is_creating",
    "hide_disabled_flags",
    "banner_text",
    "banner_colour",
  ],
  environments_userenvironmentpermission: ["user_id", "environment_id", "admin"],
  environments_userenvironmentpermission_permissions: ["userenvironmentpermission_id", "permissionmodel_id"],
  environments_identity: ["identifier", "created_date", "environment_id", "system_traits"],
  // Trait value columns follow Trait.value_type: "unicode", "int", "float" or "bool"
  // (environments/identities/traits/models.py).
  environments_trait: [
    "trait_key",
    "value_type",
    "boolean_value",
    "integer_value",
    "string_value",
    "float_value",
    "created_date",
    "identity_id",
  ],
  features_feature: [
    "uuid",
    "name",
    "created_date",
    "project_id",
    "initial_value",
    "description",
    "default_enabled",
    "type",
    "is_archived",
    "is_server_key_only",
  ],
  features_featurestate: [
    "uuid",
    "feature_id",
    "environment_id",
    "enabled",
    "created_at",
    "updated_at",
    "live_from",
    "version",
    "environment_feature_version_id",
    "identity_id",
    "feature_segment_id",
    "mv_hashing_salt",
  ],
  // Only for environments on feature versioning v2: each new state's initial version (feature-states.ts).
  feature_versioning_environmentfeatureversion: [
    "uuid",
    "environment_id",
    "feature_id",
    "created_at",
    "updated_at",
    "published_at",
    "live_from",
  ],
  tags_tag: ["uuid", "label", "color", "description", "project_id", "is_permanent", "is_system_tag", "type"],
  features_feature_tags: ["feature_id", "tag_id"],
  features_feature_owners: ["feature_id", "ffadminuser_id"],
  features_feature_group_owners: ["feature_id", "userpermissiongroup_id"],
  // Option values are typed like feature state values; `key` (multivariate 0009) stays NULL through the API.
  multivariate_multivariatefeatureoption: [
    "uuid",
    "feature_id",
    "type",
    "boolean_value",
    "integer_value",
    "string_value",
    "default_percentage_allocation",
  ],
  multivariate_multivariatefeaturestatevalue: [
    "uuid",
    "feature_state_id",
    "multivariate_feature_option_id",
    "percentage_allocation",
  ],
  // enabled/value/value_type are legacy columns: always false/NULL/NULL.
  features_featuresegment: [
    "uuid",
    "feature_id",
    "segment_id",
    "environment_id",
    "priority",
    "enabled",
    "environment_feature_version_id",
  ],
  features_featurestatevalue: ["uuid", "feature_state_id", "type", "boolean_value", "integer_value", "string_value"],
  segments_segment: [
    "uuid",
    "name",
    "description",
    "project_id",
    "rules_data",
    "version",
    "version_of_id",
    "created_at",
    "updated_at",
    "is_system_segment",
    "managed_by",
  ],
  segments_segmentrule: ["uuid", "segment_id", "rule_id", "type", "created_at", "updated_at"],
  segments_condition: [
    "uuid",
    "operator",
    "property",
    "value",
    "description",
    "created_with_segment",
    "rule_id",
    "created_at",
    "updated_at",
  ],
  django_site: ["id", "domain", "name"],
  ...HISTORY_COLUMNS,
};
