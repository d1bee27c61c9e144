/** Organisations with their subscription (WRITES.md §1.2, §1.4) and memberships (§1.3). */
import { UserError, type Issue } from "../../errors.ts";
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import {
  IN_DATABASE,
  membershipKey,
  organisationKey,
  userKey,
  type DesiredMembership,
  type DesiredOrganisation,
  type OrganisationRole,
} from "../../kinds/index.ts";
import { insertBatch, recordset } from "../sql/batch.ts";
import type { KindModule } from "../context.ts";
import { ambiguousExisting, firstMention, groupRows, idFor, referencedOrganisations } from "../sql/lookups.ts";
import { guardWrite } from "../sql/write-error.ts";

/**
 * Flagsmith's free-plan subscription written by Organisation's AFTER_CREATE hook
 * (organisations/subscriptions/constants.py).
 */
const FREE = { plan: "free", maxSeats: 1, maxApiCalls: 50_000 } as const;

export const organisations: KindModule<"organisation"> = {
  async read(sql, desired, existing) {
    const ids = new Map<string, number | string>();
    const stored = new Map<string, DesiredOrganisation>();
    const names = referencedOrganisations(desired);
    if (names.length === 0) return { ids, stored };
    // With the live subscription (one per organisation), for drift.
    const rows = await sql<
      { id: number; name: string; plan: string | null; seats: number; calls: number; sid: string | null }[]
    >`
      select o.id, o.name, s.plan, s.max_seats as seats, s.max_api_calls::float8 as calls, s.subscription_id as sid
      from public.organisations_organisation o
      left join public.organisations_subscription s on s.organisation_id = o.id and s.deleted_at is null
      where o.deleted_at is null and o.name = any(${names}::text[]) order by o.id`;
    const issues: Issue[] = [];
    for (const [name, found] of groupRows(rows, (r) => organisationKey(r.name))) {
      if (found.length > 1)
        issues.push(
          ambiguousExisting(
            `organisation "${name}"`,
            found.map((r) => r.id),
            firstMention(desired, name),
          ),
        );
      else {
        const r = found[0]!;
        ids.set(name, r.id);
        const subscription = {
          plan: r.plan ?? undefined,
          seats: r.seats,
          maxApiCalls: r.calls,
          subscriptionId: r.sid ?? undefined,
        };
        stored.set(name, { name, subscription, source: IN_DATABASE });
      }
    }
    if (issues.length) throw new UserError(issues);
    return { ids, stored };
  },

  async create(ctx, actions) {
    const batch = actions.map((a) => ({ label: `"${a.entity.name}"`, source: a.entity.source }));
    await guardWrite("organisation", batch, async () => {
      const created = await insertBatch<{ id: number; name: string }>(
        ctx.sql,
        {
          table: "organisations_organisation",
          columns: { name: "text" },
          computed: {
            uuid: "gen_random_uuid()",
            created_date: "now()",
            has_requested_features: "false",
            alerted_over_plan_limit: "false",
            stop_serving_flags: "false",
            restrict_project_create_to_admin: "false",
            // DEFAULT_ORG_STORE_TRAITS_VALUE defaults to true (app/settings/common.py).
            persist_trait_data: "true",
            block_access_to_admin: "false",
            feature_analytics: "false",
            force_2fa: "false",
          },
          returning: ["id", "name"],
        },
        actions.map((a) => ({ name: a.entity.name })),
      );
      const idOf = new Map(created.map((r) => [r.name, r.id]));
      for (const a of actions) ctx.ids.organisation.set(a.key, idOf.get(a.entity.name)!);

      // The subscription is created with the organisation, the declared values applied at once: the
      // e2e seed updates the fresh row with a queryset UPDATE, which leaves no historical row (§1.4).
      const subscriptions = await insertBatch<{ id: number }>(
        ctx.sql,
        {
          table: "organisations_subscription",
          columns: {
            organisation_id: "int",
            plan: "text",
            max_seats: "int",
            max_api_calls: "bigint",
            subscription_id: "text",
          },
          computed: { uuid: "gen_random_uuid()" },
        },
        actions.map((a) => ({
          organisation_id: idOf.get(a.entity.name)!,
          plan: a.entity.subscription?.plan ?? FREE.plan,
          max_seats: a.entity.subscription?.seats ?? FREE.maxSeats,
          max_api_calls: a.entity.subscription?.maxApiCalls ?? FREE.maxApiCalls,
          subscription_id: a.entity.subscription?.subscriptionId ?? null,
        })),
      );
      // Cosmetic but cheap: the '+' history row simple-history writes when the hook saves the
      // subscription, i.e. with the free-plan values before any update (WRITES.md §0.2, §1.2).
      await ctx.sql`
        insert into public.organisations_historicalsubscription
          (id, deleted_at, uuid, subscription_id, subscription_date, plan, max_seats, max_api_calls, cancellation_date,
           customer_id, billing_status, payment_method, notes, history_date, history_change_reason, history_type,
           history_user_id, organisation_id)
        select s.id, null, s.uuid, null, null, ${FREE.plan}, ${FREE.maxSeats}, ${FREE.maxApiCalls}, null,
           null, null, null, null, now(), null, '+', null, s.organisation_id
        from public.organisations_subscription s
        where s.id = any(${subscriptions.map((s) => s.id)}::int[])
        order by s.id`;
    });
    return new Map<ActionOf<"organisation">, Secret[]>();
  },
};

export const memberships: KindModule<"membership"> = {
  async read(sql, desired, existing) {
    const ids = new Map<string, number | string>();
    const probes = desired.memberships.flatMap((m) => {
      const o = existing.ids.organisation.get(organisationKey(m.organisation));
      const u = existing.ids.user.get(userKey(m.email));
      return o !== undefined && u !== undefined ? [{ key: membershipKey(m.organisation, m.email), o, u, at: m }] : [];
    });
    const stored = new Map<string, DesiredMembership>();
    if (probes.length === 0) return { ids, stored };
    const rows = await sql<{ key: string; id: number; role: OrganisationRole }[]>`
      select k.key, uo.id, uo.role from ${recordset(
        sql,
        probes.map(({ at: _, ...p }) => p),
      )} as k(key text, o int, u int)
      join public.organisations_userorganisation uo on uo.organisation_id = k.o and uo.user_id = k.u`;
    const declared = new Map(probes.map((p) => [p.key, p.at]));
    for (const r of rows) {
      ids.set(r.key, r.id);
      const { organisation, email } = declared.get(r.key)!;
      stored.set(r.key, { organisation, email, role: r.role, source: IN_DATABASE });
    }
    return { ids, stored };
  },

  async create(ctx, actions) {
    const rows = actions.map((a) => ({
      organisation_id: idFor(ctx.ids.organisation, organisationKey(a.entity.organisation), a.entity),
      user_id: idFor(ctx.ids.user, userKey(a.entity.email), a.entity),
      role: a.entity.role ?? "USER",
    }));
    const batch = actions.map((a) => ({
      label: `"${a.entity.email}" in "${a.entity.organisation}"`,
      source: a.entity.source,
    }));
    await guardWrite("membership", batch, async () => {
      const created = await insertBatch<{ id: number; organisation_id: number; user_id: number }>(
        ctx.sql,
        {
          table: "organisations_userorganisation",
          columns: { organisation_id: "int", user_id: "int", role: "text" },
          computed: { date_joined: "now()" },
          returning: ["id", "organisation_id", "user_id"],
        },
        rows,
      );
      const idOf = new Map(created.map((r) => [`${r.organisation_id}:${r.user_id}`, r.id]));
      actions.forEach((a, i) =>
        ctx.ids.membership.set(a.key, idOf.get(`${rows[i]!.organisation_id}:${rows[i]!.user_id}`)!),
      );
      // FFAdminUser.add_organisation also puts the user in every default group of the organisation.
      await ctx.sql`
        insert into public.users_userpermissiongroup_users (userpermissiongroup_id, ffadminuser_id, group_admin)
        select g.id, uo.user_id, false
        from public.organisations_userorganisation uo
        join public.users_userpermissiongroup g on g.organisation_id = uo.organisation_id and g.is_default
        where uo.id = any(${created.map((r) => r.id)}::int[])
        order by g.id, uo.id
        on conflict (userpermissiongroup_id, ffadminuser_id) do nothing`;
    });
    return new Map<ActionOf<"membership">, Secret[]>();
  },
};
