/** Permission groups of an organisation and their members: `users_userpermissiongroup[_users]` (WRITES.md §1.12). */
import { UserError, type Issue } from "../../errors.ts";
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import {
  groupKey,
  groupMemberKey,
  IN_DATABASE,
  organisationKey,
  userKey,
  type DesiredGroup,
} from "../../kinds/index.ts";
import { insertBatch, recordset } from "../sql/batch.ts";
import type { KindModule } from "../context.ts";
import { ambiguousExisting, groupRows, idFor, inBoundProjects } from "../sql/lookups.ts";
import { guardWrite } from "../sql/write-error.ts";

export const groups: KindModule<"group"> = {
  async read(sql, desired, existing) {
    const ids = new Map<string, number | string>();
    const stored = new Map<string, DesiredGroup>();
    // Group names are not unique in Flagsmith either; members need exactly one row to attach to.
    const wanted = [
      ...desired.groups,
      ...desired.groupMembers.map((m) => ({ ...m, name: m.group })),
      // Group owners of features name a group of their project's organisation.
      ...inBoundProjects("featureGroupOwner", desired.featureGroupOwners, existing).map((o) => ({
        ...o,
        organisation: o.project.organisation!,
        name: o.group,
      })),
    ];
    const probes = new Map<string, { key: string; o: number | string; name: string }>();
    for (const g of wanted) {
      const o = existing.ids.organisation.get(organisationKey(g.organisation));
      if (o !== undefined)
        probes.set(groupKey(g.organisation, g.name), { key: groupKey(g.organisation, g.name), o, name: g.name });
    }
    if (probes.size === 0) return { ids };
    const rows = await sql<{ key: string; id: number; is_default: boolean }[]>`
      select k.key, g.id, g.is_default from ${recordset(sql, [...probes.values()])} as k(key text, o int, name text)
      join public.users_userpermissiongroup g on g.organisation_id = k.o and g.name = k.name order by g.id`;
    const declaredGroups = new Map(desired.groups.map((g) => [groupKey(g.organisation, g.name), g]));
    const issues: Issue[] = [];
    for (const [key, found] of groupRows(rows, (r) => r.key)) {
      if (found.length === 1) {
        ids.set(key, found[0]!.id);
        const declared = declaredGroups.get(key);
        if (declared) stored.set(key, { ...declared, isDefault: found[0]!.is_default, source: IN_DATABASE });
        continue;
      }
      const at = wanted.find((g) => groupKey(g.organisation, g.name) === key)!;
      issues.push(
        ambiguousExisting(
          `group "${at.name}" of organisation "${at.organisation}"`,
          found.map((r) => r.id),
          at,
        ),
      );
    }
    if (issues.length) throw new UserError(issues);
    return { ids, stored };
  },

  async create(ctx, actions) {
    const rows = actions.map((a) => ({
      organisation_id: idFor(ctx.ids.organisation, organisationKey(a.entity.organisation), a.entity),
      name: a.entity.name,
      is_default: a.entity.isDefault ?? false,
    }));
    const batch = actions.map((a) => ({
      label: `"${a.entity.name}" in "${a.entity.organisation}"`,
      source: a.entity.source,
    }));
    await guardWrite("group", batch, async () => {
      // ldap_dn and external_id stay NULL (LDAP/SCIM only).
      const created = await insertBatch<{ id: number; organisation_id: number; name: string }>(
        ctx.sql,
        {
          table: "users_userpermissiongroup",
          columns: { organisation_id: "int", name: "text", is_default: "boolean" },
          returning: ["id", "organisation_id", "name"],
        },
        rows,
      );
      const idOf = new Map(created.map((r) => [`${r.organisation_id}:${r.name}`, r.id]));
      actions.forEach((a, i) => ctx.ids.group.set(a.key, idOf.get(`${rows[i]!.organisation_id}:${rows[i]!.name}`)!));
      // Members are added before groups (processing order), but a file declaring members and a
      // default group means both together: add this run's new members (their date_joined is this
      // transaction's now()) as add_organisation would have if the group had existed first.
      await ctx.sql`
        insert into public.users_userpermissiongroup_users (userpermissiongroup_id, ffadminuser_id, group_admin)
        select g.id, uo.user_id, false
        from public.users_userpermissiongroup g
        join public.organisations_userorganisation uo on uo.organisation_id = g.organisation_id and uo.date_joined = now()
        where g.id = any(${created.map((r) => r.id)}::int[]) and g.is_default
        order by g.id, uo.id
        on conflict (userpermissiongroup_id, ffadminuser_id) do nothing`;
    });
    return new Map<ActionOf<"group">, Secret[]>();
  },
};

export const groupMembers: KindModule<"groupMember"> = {
  async read(sql, desired, existing) {
    const ids = new Map<string, number | string>();
    const probes = desired.groupMembers.flatMap((m) => {
      const g = existing.ids.group.get(groupKey(m.organisation, m.group));
      const u = existing.ids.user.get(userKey(m.email));
      return g !== undefined && u !== undefined
        ? [{ key: groupMemberKey(m.organisation, m.group, m.email), g, u }]
        : [];
    });
    if (probes.length === 0) return { ids };
    const rows = await sql<{ key: string; id: number }[]>`
      select k.key, gu.id from ${recordset(sql, probes)} as k(key text, g int, u int)
      join public.users_userpermissiongroup_users gu on gu.userpermissiongroup_id = k.g and gu.ffadminuser_id = k.u`;
    for (const r of rows) ids.set(r.key, r.id);
    return { ids };
  },

  async create(ctx, actions) {
    const rows = actions.map((a) => ({
      key: a.key,
      g: idFor(ctx.ids.group, groupKey(a.entity.organisation, a.entity.group), a.entity),
      u: idFor(ctx.ids.user, userKey(a.entity.email), a.entity),
    }));
    const batch = actions.map((a) => ({
      label: `"${a.entity.email}" in group "${a.entity.group}"`,
      source: a.entity.source,
    }));
    await guardWrite("group member", batch, async () => {
      // A new member of a new default group may already be in it (added with the group, above).
      await ctx.sql`
        insert into public.users_userpermissiongroup_users (userpermissiongroup_id, ffadminuser_id, group_admin)
        select k.g, k.u, false from ${recordset(ctx.sql, rows)} as k(key text, g int, u int)
        on conflict (userpermissiongroup_id, ffadminuser_id) do nothing`;
      const found = await ctx.sql<{ key: string; id: number }[]>`
        select k.key, gu.id from ${recordset(ctx.sql, rows)} as k(key text, g int, u int)
        join public.users_userpermissiongroup_users gu on gu.userpermissiongroup_id = k.g and gu.ffadminuser_id = k.u`;
      for (const r of found) ctx.ids.groupMember.set(r.key, r.id);
    });
    return new Map<ActionOf<"groupMember">, Secret[]>();
  },
};
