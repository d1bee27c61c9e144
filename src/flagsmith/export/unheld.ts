/**
 * What the exported organisations, projects and environments hold that the file format cannot: counted in one query
 * (tables an older Flagsmith lacks are passed over) and written as notes in the export's header, never as errors.
 */
import { idsOf, type Reading } from "./reading.ts";

type Scope = "organisation" | "project" | "environment" | "feature";

/** A table (or a condition on one) the format has nothing for, and the column that places its rows. */
interface Unheld {
  topic: string;
  /** What the note names for each (the integration). */
  item?: string;
  table: string;
  scope: Scope;
  /** An extra condition on the table's rows (constant SQL). */
  where?: string;
}

const INTEGRATION = "integrations (set them up again)";

const UNHELD: readonly Unheld[] = [
  { topic: "audit log entries", table: "audit_auditlog", scope: "project" },
  {
    topic: "server-side environment keys (create new ones)",
    table: "environments_environmentapikey",
    scope: "environment",
  },
  {
    topic: "group permissions (a file has user permissions only)",
    table: "organisation_permissions_userpermissiongrouporganisationperbee4",
    scope: "organisation",
  },
  {
    topic: "group permissions (a file has user permissions only)",
    table: "projects_userpermissiongroupprojectpermission",
    scope: "project",
  },
  {
    topic: "group permissions (a file has user permissions only)",
    table: "environments_userpermissiongroupenvironmentpermission",
    scope: "environment",
  },
  { topic: "change requests", table: "workflows_core_changerequest", scope: "environment" },
  {
    topic: "scheduled changes (the live state is exported)",
    table: "features_featurestate",
    scope: "environment",
    where: "live_from > now() and version is not null",
  },
  {
    topic: "unpublished or scheduled feature versions (the live version is exported)",
    table: "feature_versioning_environmentfeatureversion",
    scope: "environment",
    where: "published_at is null or live_from > now()",
  },
  { topic: "organisation webhooks", table: "organisations_organisationwebhook", scope: "organisation" },
  { topic: "environment webhooks", table: "environments_webhook", scope: "environment" },
  { topic: INTEGRATION, item: "webhooks", table: "webhook_webhookconfiguration", scope: "environment" },
  { topic: INTEGRATION, item: "Amplitude", table: "amplitude_amplitudeconfiguration", scope: "environment" },
  { topic: INTEGRATION, item: "Dynatrace", table: "dynatrace_dynatraceconfiguration", scope: "environment" },
  { topic: INTEGRATION, item: "Heap", table: "heap_heapconfiguration", scope: "environment" },
  { topic: INTEGRATION, item: "Mixpanel", table: "mixpanel_mixpanelconfiguration", scope: "environment" },
  { topic: INTEGRATION, item: "RudderStack", table: "rudderstack_rudderstackconfiguration", scope: "environment" },
  { topic: INTEGRATION, item: "Segment", table: "segment_segmentconfiguration", scope: "environment" },
  { topic: INTEGRATION, item: "Sentry", table: "sentry_sentrychangetrackingconfiguration", scope: "environment" },
  { topic: INTEGRATION, item: "Slack", table: "slack_slackenvironment", scope: "environment" },
  { topic: INTEGRATION, item: "Datadog", table: "datadog_datadogconfiguration", scope: "project" },
  { topic: INTEGRATION, item: "New Relic", table: "new_relic_newrelicconfiguration", scope: "project" },
  { topic: INTEGRATION, item: "Slack", table: "slack_slackconfiguration", scope: "project" },
  { topic: INTEGRATION, item: "Grafana", table: "grafana_grafanaconfiguration", scope: "project" },
  { topic: INTEGRATION, item: "GitLab", table: "gitlab_gitlabconfiguration", scope: "project" },
  { topic: INTEGRATION, item: "GitHub", table: "github_githubrepository", scope: "project" },
  { topic: INTEGRATION, item: "GitHub", table: "github_githubconfiguration", scope: "organisation" },
  { topic: INTEGRATION, item: "Grafana", table: "grafana_grafanaorganisationconfiguration", scope: "organisation" },
  { topic: "feature health providers", table: "feature_health_featurehealthprovider", scope: "project" },
  { topic: "code reference repositories", table: "code_references_vcsrepository", scope: "project" },
  { topic: "release pipelines", table: "release_pipelines_core_releasepipeline", scope: "project" },
  { topic: "experiments", table: "experimentation_experiment", scope: "environment" },
  { topic: "metadata fields", table: "metadata_metadatafield", scope: "organisation" },
  {
    topic: "links to external resources (GitHub issues and pull requests)",
    table: "feature_external_resources_featureexternalresource",
    scope: "feature",
  },
  { topic: "invite links", table: "invites_invitelink", scope: "organisation" },
  { topic: "pending invitations", table: "users_invite", scope: "organisation" },
];

/** Counts what the scope holds of every table above, per organisation, project or environment, as notes. */
export async function noteUnheld(r: Reading): Promise<void> {
  const catalog = await r.sql<{ table: string; soft: boolean }[]>`
    select c.relname as table,
           exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'deleted_at' and not a.attisdropped) as soft
    from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      and c.relname = any(${UNHELD.map((u) => u.table)}::text[])`;
  const soft = new Map(catalog.map((c) => [c.table, c.soft]));
  const parts = UNHELD.flatMap((u, index) => {
    if (!soft.has(u.table)) return [];
    const column = `${u.scope}_id`;
    const conditions = [`${column} = any(scope.${u.scope})`];
    if (soft.get(u.table)) conditions.push("deleted_at is null");
    if (u.where) conditions.push(`(${u.where})`);
    // Table and column names are this module's constants, never input.
    return [
      `select ${index} as unheld, ${column} as scope, count(*)::int as n from public.${u.table} cross join scope where ${conditions.join(" and ")} group by ${column}`,
    ];
  });
  if (parts.length === 0) return;
  // Every parameter is typed here, used or not (a parameter no part uses has no type otherwise).
  const scope =
    "with scope as (select $1::int[] as organisation, $2::int[] as project, $3::int[] as environment, $4::int[] as feature) ";
  const rows = await r.sql.unsafe<{ unheld: number; scope: number; n: number }[]>(scope + parts.join(" union all "), [
    idsOf(r.organisations),
    idsOf(r.projects),
    idsOf(r.environments),
    idsOf(r.features),
  ]);
  for (const { unheld, scope, n } of rows) {
    const u = UNHELD[unheld]!;
    r.notes.add(organisationOf(r, u.scope, scope), u.topic, u.item ?? null, n);
  }
}

function organisationOf(r: Reading, scope: Scope, id: number): string | null {
  switch (scope) {
    case "organisation":
      return r.organisations.get(id) ?? null;
    case "project":
      return r.projects.get(id)?.ref.organisation ?? null;
    case "environment":
      return r.environments.get(id)?.ref.project.organisation ?? null;
    case "feature":
      return r.features.get(id)?.project.organisation ?? null;
  }
}
