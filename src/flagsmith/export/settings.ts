/**
 * Settings of organisations, projects and environments as export reads them: the ones the file format holds, when
 * they differ from what `apply` writes for an undeclared setting (Flagsmith's model defaults, taken from the writers
 * in flagsmith/kinds/; test/export checks that a freshly applied entity exports no settings), and a note for each
 * column the format cannot hold that differs from its default.
 */
import type { EnvironmentSettings, ProjectSettings } from "../../kinds/index.ts";
import { ENVIRONMENT_SETTING_COLUMNS } from "../kinds/environment.ts";
import { PROJECT_SETTING_COLUMNS } from "../kinds/project.ts";
import type { SettingColumn } from "../sql/settings.ts";
import { quoted, type Notes } from "./reading.ts";

/** Each setting's default: the value `apply` writes when a file leaves it out. */
const defaultsOf = (columns: Record<string, SettingColumn>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(columns).map(([column, s]) => [column, s.default]));

/** projects_project: the declarable settings and their defaults. */
const PROJECT_SETTINGS = defaultsOf(PROJECT_SETTING_COLUMNS);

/** projects_project columns the format has no field for, with Flagsmith's defaults. */
const PROJECT_UNHELD: Record<string, unknown> = {
  enable_realtime_updates: false,
  max_segments_allowed: 500,
  max_features_allowed: 1000,
  max_segment_overrides_allowed: 2000,
  stale_flags_limit_days: 30,
  minimum_change_request_approvals: null,
  edge_v2_migration_read_capacity_budget: null,
};

/**
 * environments_environment: the declarable settings by column and their defaults (the file's
 * use_identity_composite_key_for_hashing is use_mv_v2_evaluation).
 */
const ENVIRONMENT_SETTINGS = defaultsOf(ENVIRONMENT_SETTING_COLUMNS);

const ENVIRONMENT_UNHELD: Record<string, unknown> = {
  webhook_url: null,
  webhooks_enabled: false,
  minimum_change_request_approvals: null,
};

/** organisations_organisation columns the format has no field for, with the values `apply` writes. */
const ORGANISATION_UNHELD: Record<string, unknown> = {
  has_requested_features: false,
  stop_serving_flags: false,
  persist_trait_data: true,
  block_access_to_admin: false,
  feature_analytics: false,
  restrict_project_create_to_admin: false,
  force_2fa: false,
  webhook_notification_email: null,
  targeting_key: null,
};

/** organisations_subscription columns the format has no field for (billing data). */
const SUBSCRIPTION_UNHELD: Record<string, unknown> = {
  subscription_date: null,
  cancellation_date: null,
  customer_id: null,
  billing_status: null,
  payment_method: null,
  notes: null,
};

const UNHELD_TOPIC = "settings the format cannot hold (created with Flagsmith's defaults)";

/** The declarable settings of `row` that differ from what `apply` writes without them. */
function declared<T>(row: Record<string, unknown>, defaults: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [column, fallback] of Object.entries(defaults)) {
    if (column in row && row[column] !== fallback) out[column] = row[column];
  }
  return out as T;
}

/** Notes each column of `row` that the format cannot hold and that differs from its default. */
function noteUnheld(
  notes: Notes,
  organisation: string | null,
  what: string,
  row: Record<string, unknown>,
  defaults: Record<string, unknown>,
): void {
  for (const [column, fallback] of Object.entries(defaults)) {
    if (column in row && row[column] !== fallback)
      notes.add(organisation, UNHELD_TOPIC, `${what} ${column} = ${JSON.stringify(row[column])}`);
  }
}

export function projectSettingsOf(row: Record<string, unknown>, notes: Notes, organisation: string): ProjectSettings {
  noteUnheld(notes, organisation, `project ${quoted(String(row.name))}`, row, PROJECT_UNHELD);
  return declared(row, PROJECT_SETTINGS);
}

export function environmentSettingsOf(
  row: Record<string, unknown>,
  notes: Notes,
  organisation: string | null,
  what: string,
): EnvironmentSettings {
  noteUnheld(notes, organisation, what, row, ENVIRONMENT_UNHELD);
  return declared(row, ENVIRONMENT_SETTINGS);
}

export function noteOrganisationColumns(row: Record<string, unknown>, notes: Notes): void {
  noteUnheld(notes, String(row.name), `organisation ${quoted(String(row.name))}`, row, ORGANISATION_UNHELD);
}

export function noteSubscriptionColumns(row: Record<string, unknown>, notes: Notes, organisation: string): void {
  noteUnheld(notes, organisation, `subscription of ${quoted(organisation)}`, row, SUBSCRIPTION_UNHELD);
}
