/**
 * User permissions on an organisation, project or environment (WRITES.md §1.12): the permission
 * row (with `admin` for projects and environments) plus one M2M row per permission key.
 * Create-only at the (user, target) key: an existing row is left as it is, keys included.
 */
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import {
  type EntityOf,
  type Existing,
  type ExistingIds,
  keyOf as keyOfKind,
  environmentKey,
  organisationKey,
  projectKey,
  userKey,
  type Desired,
  IN_DATABASE,
} from "../../kinds/index.ts";
import { insertBatch, recordset } from "../sql/batch.ts";
import type { KindModule } from "../context.ts";
import { bindProject, idFor, requireId } from "../sql/lookups.ts";
import { guardWrite } from "../sql/write-error.ts";

type PermissionKind = "organisationPermission" | "projectPermission" | "environmentPermission";
type Entity<K extends PermissionKind> = EntityOf[K];
/** ActionOf<K> for a generic K does not resolve its fields; this is the part used here. */
type PermissionAction<K extends PermissionKind> = { key: string; entity: Entity<K> };

interface Level<K extends PermissionKind> {
  kind: K;
  /** permissions_permissionmodel.type of the keys valid at this level. */
  type: "ORGANISATION" | "PROJECT" | "ENVIRONMENT";
  table: string;
  /** The FK column naming the organisation/project/environment. */
  target: string;
  /** The M2M table and its FK column to the permission row. */
  m2m: string;
  m2mColumn: string;
  hasAdmin: boolean;
  list: (d: Desired) => Entity<K>[];
  /** The entity with its project reference bound (readers see unbound references), or null when it cannot be. */
  bind: (e: Entity<K>, existing: Existing) => Entity<K> | null;
  /** The target's key in `ids`. */
  targetId: (e: Entity<K>, ids: ExistingIds) => number | string | undefined;
  label: (e: Entity<K>) => string;
}

function permissionModule<K extends PermissionKind>(level: Level<K>): KindModule<K> {
  const keyOf = (e: Entity<K>) => keyOfKind(level.kind, e as never);
  return {
    async read(sql, desired, existing) {
      const ids = new Map<string, number | string>();
      const stored = new Map<string, Entity<K>>();
      const declared = new Map<string, Entity<K>>();
      const probes = level.list(desired).flatMap((raw) => {
        const e = level.bind(raw, existing);
        if (!e) return [];
        const t = level.targetId(e, existing.ids);
        const u = existing.ids.user.get(userKey(e.email));
        if (t === undefined || u === undefined) return [];
        declared.set(keyOf(e), e);
        return [{ key: keyOf(e), t, u }];
      });
      if (probes.length === 0) return { ids, stored };
      // With the keys it grants and (projects, environments) admin, for drift.
      const admin = level.hasAdmin ? sql`p.admin` : sql`null::boolean`;
      const rows = await sql<{ key: string; id: number; admin: boolean | null; keys: string[] }[]>`
        select k.key, p.id, ${admin} as admin,
          coalesce((select array_agg(m.permissionmodel_id order by m.permissionmodel_id)
                    from ${sql("public." + level.m2m)} m where m.${sql(level.m2mColumn)} = p.id), '{}') as keys
        from ${recordset(sql, probes)} as k(key text, t int, u int)
        join ${sql("public." + level.table)} p on p.${sql(level.target)} = k.t and p.user_id = k.u`;
      for (const r of rows) {
        ids.set(r.key, r.id);
        const e = declared.get(r.key)!;
        stored.set(r.key, {
          ...e,
          permissions: r.keys,
          ...(level.hasAdmin && { admin: r.admin }),
          source: IN_DATABASE,
        });
      }
      return { ids, stored };
    },

    async create(ctx, created) {
      const actions = created as unknown as PermissionAction<K>[];
      const rows = actions.map((a): Record<string, number | boolean> => ({
        [level.target]: requireId(level.targetId(a.entity, ctx.ids), a.entity),
        user_id: idFor(ctx.ids.user, userKey(a.entity.email), a.entity),
        ...(level.hasAdmin ? { admin: (a.entity as { admin?: boolean }).admin ?? false } : {}),
      }));
      const batch = actions.map((a) => ({ label: level.label(a.entity), source: a.entity.source }));
      await guardWrite(`${level.type.toLowerCase()} permission`, batch, async () => {
        const created = await insertBatch<Record<string, number>>(
          ctx.sql,
          {
            table: level.table,
            columns: { [level.target]: "int", user_id: "int", ...(level.hasAdmin ? { admin: "boolean" } : {}) },
            returning: ["id", level.target, "user_id"],
          },
          rows,
        );
        const idOf = new Map(created.map((r) => [`${r[level.target]}:${r.user_id}`, r.id!]));
        const links = actions.flatMap((a, i) => {
          const id = idOf.get(`${rows[i]![level.target]}:${rows[i]!.user_id}`)!;
          ctx.ids[level.kind].set(a.key, id);
          return [...new Set(a.entity.permissions)].map((key) => ({ [level.m2mColumn]: id, permissionmodel_id: key }));
        });
        await insertBatch(
          ctx.sql,
          { table: level.m2m, columns: { [level.m2mColumn]: "int", permissionmodel_id: "text" } },
          links,
        );
      });
      return new Map<ActionOf<K>, Secret[]>();
    },
  };
}

export const organisationPermissions = permissionModule({
  kind: "organisationPermission",
  type: "ORGANISATION",
  table: "organisation_permissions_userorganisationpermission",
  target: "organisation_id",
  m2m: "organisation_permissions_userorganisationpermission_permissions",
  m2mColumn: "userorganisationpermission_id",
  hasAdmin: false,
  list: (d) => d.organisationPermissions,
  bind: (e) => e,
  targetId: (e, ids) => ids.organisation.get(organisationKey(e.organisation)),
  label: (e) => `of "${e.email}" on organisation "${e.organisation}"`,
});

export const projectPermissions = permissionModule({
  kind: "projectPermission",
  type: "PROJECT",
  table: "projects_userprojectpermission",
  target: "project_id",
  m2m: "projects_userprojectpermission_permissions",
  m2mColumn: "userprojectpermission_id",
  hasAdmin: true,
  list: (d) => d.projectPermissions,
  bind: (e, existing) => {
    const project = bindProject(e.project, existing);
    return project ? { ...e, project } : null;
  },
  targetId: (e, ids) => ids.project.get(projectKey(e.project)),
  label: (e) => `of "${e.email}" on project "${e.project.name}"`,
});

export const environmentPermissions = permissionModule({
  kind: "environmentPermission",
  type: "ENVIRONMENT",
  table: "environments_userenvironmentpermission",
  target: "environment_id",
  m2m: "environments_userenvironmentpermission_permissions",
  m2mColumn: "userenvironmentpermission_id",
  hasAdmin: true,
  list: (d) => d.environmentPermissions,
  bind: (e, existing) => {
    const project = bindProject(e.environment.project, existing);
    return project ? { ...e, environment: { ...e.environment, project } } : null;
  },
  targetId: (e, ids) => ids.environment.get(environmentKey(e.environment)),
  label: (e) => `of "${e.email}" on environment "${e.environment.name}" of project "${e.environment.project.name}"`,
});
