/**
 * What belongs to the exported organisations: members, groups with their members, user permissions and master API
 * keys (by name only: a key cannot be recovered from its hash). One query per kind, for every organisation at once.
 */
import { compareText, IN_DATABASE, type OrganisationRole } from "../../kinds/index.ts";
import { idsOf, quoted, type Reading } from "./reading.ts";

type UserRow = { user_id: number; email: string };

export async function readOrganisationContent(r: Reading): Promise<void> {
  const ids = idsOf(r.organisations);
  const organisation = (id: number) => r.organisations.get(id)!;
  const seen = (row: UserRow) => (r.users.set(row.user_id, row.email), row.email);

  const members = await r.sql<(UserRow & { organisation_id: number; role: OrganisationRole })[]>`
    select uo.organisation_id, u.id as user_id, u.email, uo.role
    from organisations_userorganisation uo join users_ffadminuser u on u.id = uo.user_id
    where uo.organisation_id = any(${ids}::int[]) order by uo.id`;
  for (const m of members)
    r.desired.memberships.push({
      organisation: organisation(m.organisation_id),
      email: seen(m),
      role: m.role,
      source: IN_DATABASE,
    });

  const groups = await r.sql<
    { id: number; organisation_id: number; name: string; is_default: boolean; synced: boolean }[]
  >`
    select id, organisation_id, name, is_default, (external_id is not null or ldap_dn is not null) as synced
    from users_userpermissiongroup where organisation_id = any(${ids}::int[]) order by id`;
  const groupOf = new Map<number, { organisation: string; name: string }>();
  for (const g of groups) {
    const org = organisation(g.organisation_id);
    if ([...groupOf.values()].some((x) => x.organisation === org && x.name === g.name)) {
      r.notes.add(org, "groups sharing their name with an older one (left out)", quoted(g.name));
      continue;
    }
    if (g.synced) r.notes.add(org, "groups linked to LDAP or SCIM (exported without the link)", quoted(g.name));
    groupOf.set(g.id, { organisation: org, name: g.name });
    r.desired.groups.push({ organisation: org, name: g.name, isDefault: g.is_default, source: IN_DATABASE });
  }

  const groupMembers = await r.sql<(UserRow & { group_id: number; group_admin: boolean })[]>`
    select gu.userpermissiongroup_id as group_id, u.id as user_id, u.email, gu.group_admin
    from users_userpermissiongroup_users gu join users_ffadminuser u on u.id = gu.ffadminuser_id
    where gu.userpermissiongroup_id = any(${[...groupOf.keys()]}::int[]) order by gu.id`;
  for (const m of groupMembers) {
    const group = groupOf.get(m.group_id)!;
    if (m.group_admin)
      r.notes.add(group.organisation, "group admins (exported as members)", `${m.email} of ${quoted(group.name)}`);
    r.desired.groupMembers.push({
      organisation: group.organisation,
      group: group.name,
      email: seen(m),
      source: IN_DATABASE,
    });
  }

  const permissions = await r.sql<(UserRow & { organisation_id: number; keys: string[] })[]>`
    select p.organisation_id, u.id as user_id, u.email,
           array(select k.permissionmodel_id from organisation_permissions_userorganisationpermission_permissions k
                 where k.userorganisationpermission_id = p.id order by 1) as keys
    from organisation_permissions_userorganisationpermission p join users_ffadminuser u on u.id = p.user_id
    where p.organisation_id = any(${ids}::int[]) order by p.id`;
  for (const p of permissions)
    r.desired.organisationPermissions.push({
      organisation: organisation(p.organisation_id),
      email: seen(p),
      permissions: p.keys,
      source: IN_DATABASE,
    });

  await readMasterApiKeys(r, ids);
}

/**
 * Live master API keys by name and is_admin. A revoked or expired key is left out: creating it again would hand out
 * a working admin key nobody asked for. The format has no expiry date, so a key that will expire is noted.
 */
async function readMasterApiKeys(r: Reading, ids: number[]): Promise<void> {
  const keys = await r.sql<
    { organisation_id: number; name: string; is_admin: boolean; revoked: boolean; expired: boolean; expires: boolean }[]
  >`
    select organisation_id, name, is_admin, revoked, coalesce(expiry_date <= now(), false) as expired,
           expiry_date is not null as expires
    from api_keys_masterapikey where organisation_id = any(${ids}::int[]) and deleted_at is null
    order by created, id`;
  const exported = new Set<string>();
  for (const k of keys) {
    const org = r.organisations.get(k.organisation_id)!;
    if (k.revoked || k.expired) {
      r.notes.add(org, "revoked or expired master API keys (left out)", quoted(k.name));
      continue;
    }
    if (exported.has(`${k.organisation_id}\u0000${k.name}`)) {
      r.notes.add(org, "master API keys sharing their name with an older one (left out)", quoted(k.name));
      continue;
    }
    if (k.expires) r.notes.add(org, "master API keys with an expiry date (created without one)", quoted(k.name));
    exported.add(`${k.organisation_id}\u0000${k.name}`);
    r.desired.masterApiKeys.push({
      organisation: org,
      name: k.name,
      isAdmin: k.is_admin,
      key: null,
      source: IN_DATABASE,
    });
  }
  r.desired.masterApiKeys.sort((a, b) => compareText(a.organisation, b.organisation) || compareText(a.name, b.name));
}
