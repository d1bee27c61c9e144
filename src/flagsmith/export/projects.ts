/**
 * What belongs to the exported projects besides flags and segments: user permissions, tags, environments (with their
 * settings) and environment user permissions. One query per kind, for every project at once.
 */
import { IN_DATABASE, type EnvironmentRef } from "../../kinds/index.ts";
import { environmentSettingsOf } from "./settings.ts";
import { idsOf, quoted, type Reading } from "./reading.ts";

type Permission = { target: number; user_id: number; email: string; admin: boolean; keys: string[] };

export async function readProjectContent(r: Reading): Promise<void> {
  const ids = idsOf(r.projects);
  const project = (id: number) => r.projects.get(id)!.ref;

  const permissions = await r.sql<Permission[]>`
    select p.project_id as target, u.id as user_id, u.email, p.admin,
           array(select k.permissionmodel_id from projects_userprojectpermission_permissions k
                 where k.userprojectpermission_id = p.id order by 1) as keys
    from projects_userprojectpermission p join users_ffadminuser u on u.id = p.user_id
    where p.project_id = any(${ids}::int[]) order by p.id`;
  for (const p of permissions) {
    r.users.set(p.user_id, p.email);
    r.desired.projectPermissions.push({
      project: project(p.target),
      email: p.email,
      permissions: p.keys,
      admin: p.admin,
      source: IN_DATABASE,
    });
  }

  const tags = await r.sql<
    {
      id: number;
      project_id: number;
      label: string;
      color: string;
      description: string | null;
      system: boolean;
      special: boolean;
    }[]
  >`
    select id, project_id, label, color, description, is_system_tag as system, (is_permanent or type <> 'NONE') as special
    from tags_tag where project_id = any(${ids}::int[]) order by id`;
  const labels = new Set<string>();
  for (const t of tags) {
    const ref = project(t.project_id);
    const what = `${quoted(t.label)} in ${quoted(ref.name)}`;
    if (t.system) {
      r.notes.add(ref.organisation, "system tags (Flagsmith makes its own)", what);
      continue;
    }
    if (labels.has(`${t.project_id}\u0000${t.label}`)) {
      r.notes.add(ref.organisation, "tags sharing their label with an older one (left out)", what);
      continue;
    }
    if (t.special) r.notes.add(ref.organisation, "permanent or typed tags (created as plain tags)", what);
    labels.add(`${t.project_id}\u0000${t.label}`);
    r.tags.set(t.id, t.label);
    r.desired.tags.push({
      project: ref,
      label: t.label,
      color: t.color,
      description: t.description,
      source: IN_DATABASE,
    });
  }

  await readEnvironments(r, ids);
}

async function readEnvironments(r: Reading, projectIds: number[]): Promise<void> {
  const rows = await r.sql<{ row: Record<string, unknown> & { id: number; name: string; project_id: number } }[]>`
    select to_jsonb(e) - 'api_key' as row from environments_environment e
    where e.project_id = any(${projectIds}::int[]) and e.deleted_at is null order by e.id`;
  const names = new Set<string>();
  for (const { row } of rows) {
    const project = r.projects.get(row.project_id)!.ref;
    const what = `environment ${quoted(row.name)} of ${quoted(project.name)}`;
    if (names.has(`${row.project_id}\u0000${row.name}`)) {
      r.notes.add(project.organisation, "environments sharing their name with an older one (left out)", what);
      continue;
    }
    names.add(`${row.project_id}\u0000${row.name}`);
    const ref: EnvironmentRef = { project, name: row.name };
    r.environments.set(row.id, { ref, v2: row.use_v2_feature_versioning === true });
    r.desired.environments.push({
      project,
      name: row.name,
      description: (row.description as string | null) ?? null,
      showKey: false,
      settings: environmentSettingsOf(row, r.notes, project.organisation, what),
      source: IN_DATABASE,
    });
  }

  const permissions = await r.sql<Permission[]>`
    select p.environment_id as target, u.id as user_id, u.email, p.admin,
           array(select k.permissionmodel_id from environments_userenvironmentpermission_permissions k
                 where k.userenvironmentpermission_id = p.id order by 1) as keys
    from environments_userenvironmentpermission p join users_ffadminuser u on u.id = p.user_id
    where p.environment_id = any(${idsOf(r.environments)}::int[]) order by p.id`;
  for (const p of permissions) {
    r.users.set(p.user_id, p.email);
    r.desired.environmentPermissions.push({
      environment: r.environments.get(p.target)!.ref,
      email: p.email,
      permissions: p.keys,
      admin: p.admin,
      source: IN_DATABASE,
    });
  }
}
