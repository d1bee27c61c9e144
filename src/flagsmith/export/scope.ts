/**
 * What an export covers: the live organisations and projects the filters name (all of them without filters). A
 * project filter alone brings its organisation along (a project cannot be created without it), with the
 * organisation's own content but none of its other projects. A name that matches nothing is an error (exit 2)
 * with "did you mean", before anything else is read.
 */
import { UserError, type Issue } from "../../errors.ts";
import { compareText, IN_DATABASE } from "../../kinds/index.ts";
import { didYouMean } from "../../suggest.ts";
import { noteOrganisationColumns, noteSubscriptionColumns, projectSettingsOf } from "./settings.ts";
import { quoted, type Reading } from "./reading.ts";

type Row = Record<string, unknown> & { id: number; name: string };

export async function readScope(r: Reading): Promise<void> {
  const { sql, filters } = r;
  // Small tables, read whole: filtering here also gives "did you mean" its candidates.
  const organisations = await sql<{ row: Row; subscription: Record<string, unknown> | null }[]>`
    select to_jsonb(o) as row,
           (select to_jsonb(s) from organisations_subscription s
            where s.organisation_id = o.id and s.deleted_at is null order by s.id limit 1) as subscription
    from organisations_organisation o where o.deleted_at is null order by o.id`;
  const projects = await sql<{ row: Row }[]>`
    select to_jsonb(p) as row from projects_project p
    join organisations_organisation o on o.id = p.organisation_id and o.deleted_at is null
    where p.deleted_at is null order by p.id`;
  const issues: Issue[] = [];
  const orgNames = organisations.map((o) => o.row.name);
  for (const name of filters.organisations)
    if (!orgNames.includes(name)) issues.push(unknown("organisation", name, orgNames));
  const inOrganisations = filters.organisations.length
    ? projects.filter((p) => filters.organisations.includes(nameOf(organisations, p.row.organisation_id)))
    : projects;
  const projectNames = inOrganisations.map((p) => p.row.name);
  for (const name of filters.projects)
    if (!projectNames.includes(name)) issues.push(unknown("project", name, projectNames, filters.organisations));
  if (issues.length) throw new UserError(issues);

  const keptProjects = filters.projects.length
    ? inOrganisations.filter((p) => filters.projects.includes(p.row.name))
    : inOrganisations;
  const wanted = new Set(
    filters.organisations.length
      ? filters.organisations
      : filters.projects.length
        ? keptProjects.map((p) => nameOf(organisations, p.row.organisation_id))
        : orgNames,
  );
  for (const { row, subscription } of organisations) {
    if (!wanted.has(row.name)) continue;
    if ([...r.organisations.values()].includes(row.name)) {
      r.notes.add(row.name, "organisations sharing their name with an older one (left out)", quoted(row.name));
      continue;
    }
    r.organisations.set(row.id, row.name);
    noteOrganisationColumns(row, r.notes);
    if (subscription) noteSubscriptionColumns(subscription, r.notes, row.name);
    r.desired.organisations.push({ name: row.name, subscription: subscriptionOf(subscription), source: IN_DATABASE });
  }
  for (const { row } of keptProjects) {
    const organisation = r.organisations.get(row.organisation_id as number);
    if (organisation === undefined) continue;
    const taken = [...r.projects.values()].some((p) => p.ref.organisation === organisation && p.ref.name === row.name);
    if (taken) {
      r.notes.add(organisation, "projects sharing their name with an older one (left out)", quoted(row.name));
      continue;
    }
    const ref = { organisation, name: row.name };
    r.projects.set(row.id, {
      ref,
      organisationId: row.organisation_id as number,
      preventFlagDefaults: row.prevent_flag_defaults === true,
    });
    r.desired.projects.push({
      organisation,
      name: row.name,
      settings: projectSettingsOf(row, r.notes, organisation),
      source: IN_DATABASE,
    });
  }
  r.desired.organisations.sort((a, b) => compareText(a.name, b.name));
}

const nameOf = (organisations: { row: Row }[], id: unknown): string =>
  organisations.find((o) => o.row.id === id)?.row.name ?? "";

/** The subscription's declarable fields that differ from the free plan `apply` writes without them. */
function subscriptionOf(row: Record<string, unknown> | null) {
  if (!row) return null;
  const sub = {
    ...(row.plan !== "free" && row.plan != null && { plan: String(row.plan) }),
    ...(row.max_seats !== 1 && { seats: Number(row.max_seats) }),
    ...(row.max_api_calls !== 50_000 && { maxApiCalls: Number(row.max_api_calls) }),
    ...(row.subscription_id != null && { subscriptionId: String(row.subscription_id) }),
  };
  return Object.keys(sub).length ? sub : null;
}

function unknown(kind: string, name: string, candidates: string[], organisations: readonly string[] = []): Issue {
  const where = organisations.length
    ? ` in organisation${organisations.length > 1 ? "s" : ""} ${organisations.map(quoted).join(", ")}`
    : "";
  return {
    rule: "unknown-filter",
    message: `there is no ${kind} ${quoted(name)}${where} in the database${didYouMean(name, candidates)}`,
    hint: candidates.length ? `the ${kind}s are: ${listed(candidates)}` : `the database has no ${kind}s`,
  };
}

/** Up to 20 names, sorted, quoted. */
function listed(names: string[]): string {
  const sorted = [...new Set(names)].sort(compareText);
  const more = sorted.length > 20 ? `, and ${sorted.length - 20} more` : "";
  return sorted.slice(0, 20).map(quoted).join(", ") + more;
}
