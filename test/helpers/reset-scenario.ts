import type postgres from "postgres";
import { quoteIdent as q } from "../../src/flagsmith/sql/catalog.ts";
import { createSeeder } from "./reset-fixture.ts";

/**
 * What Flagsmith's e2e teardown faces, in plain SQL: a declared organisation "Acme" (plus an older,
 * soft-deleted "Acme") with everything an organisation owns, a declared user alice, and an undeclared
 * organisation "Other" with its own user bob, cross-referenced both ways: bob is in Acme, and Other
 * keeps traces of alice (she authored its audit log, created its master key, its change request).
 * Rows alice would own in Other (`ALICE_IN_OTHER`: her membership, permissions, group, feature…) are
 * seeded only when `aliceInOther` picks them: any of them makes reset refuse.
 * Tables or columns a schema version lacks are left out (the fixture schema has only the core tables).
 */
export const DECLARED = { organisations: ["Acme"], emails: ["Alice@Example.com"] };

export type Row = Record<string, unknown>;

/** What a reset must do to a seeded row: delete it, leave it untouched, or clear the listed columns. */
export type Fate = "deleted" | "kept" | { nulled: string[] };

export interface Seeded {
  table: string;
  name: string;
  row: Row;
  fate: Fate;
}

/** The rows that would put the declared user alice into the undeclared organisation Other: each makes reset refuse. */
export const ALICE_IN_OTHER = {
  CrossMember: "organisations_userorganisation",
  OrgPerm: "organisation_permissions_userorganisationpermission",
  ProjPerm: "projects_userprojectpermission",
  EnvPermAlice: "environments_userenvironmentpermission",
  GroupAlice: "users_userpermissiongroup_users",
  OwnerAlice: "features_feature_owners",
  Invite: "users_invite",
  Approval: "workflows_core_changerequestapproval",
  LdImport: "launch_darkly_launchdarklyimportrequest",
} as const;
export type AliceInOther = keyof typeof ALICE_IN_OTHER;

export async function seedScenario(
  sql: postgres.Sql,
  options: { aliceInOther?: (row: AliceInOther) => boolean } = {},
): Promise<Seeded[]> {
  const s = await createSeeder(sql);
  const seeded: Seeded[] = [];
  const add = async (name: string, table: string, values: Row, fate: Fate = "deleted"): Promise<number | null> => {
    if (!s.has(table)) return null;
    const present = Object.fromEntries(
      Object.entries(values).filter(([c, v]) => v !== null && v !== undefined && s.hasColumn(table, c)),
    );
    const row = await s.insert(table, present);
    const kept = typeof fate === "object" ? { nulled: fate.nulled.filter((c) => c in present) } : fate;
    seeded.push({ table, name, row, fate: typeof kept === "object" && kept.nulled.length === 0 ? "kept" : kept });
    return row.id as number;
  };
  const alice = await add("alice", "users_ffadminuser", { email: "alice@example.com" });
  const bob = await add("bob", "users_ffadminuser", { email: "bob@example.com" }, "kept");

  for (const [prefix, name, deletedAt] of [
    ["a", "Acme", null],
    ["old", "Acme", new Date()],
    ["b", "Other", null],
  ] as const) {
    const mine = prefix !== "b";
    const own = (other: Fate = "kept"): Fate => (mine ? "deleted" : other);
    /** Rows alice has in Acme always; in Other only when asked for (reset refuses then). */
    const alices = (row: AliceInOther) => mine || (options.aliceInOther?.(row) ?? false);
    const org = await add(`${prefix}Org`, "organisations_organisation", { name, deleted_at: deletedAt }, own());
    await add(`${prefix}Sub`, "organisations_subscription", { organisation_id: org }, own());
    const project = await add(
      `${prefix}Project`,
      "projects_project",
      { organisation_id: org, name: `${name} project` },
      own(),
    );
    const env = await add(`${prefix}Env`, "environments_environment", { project_id: project }, own());
    const feature = await add(`${prefix}Feature`, "features_feature", { project_id: project }, own());
    const fs = await add(`${prefix}Fs`, "features_featurestate", { feature_id: feature, environment_id: env }, own());
    await add(`${prefix}Fsv`, "features_featurestatevalue", { feature_state_id: fs }, own());
    if (prefix === "old") continue;
    await add(
      `${prefix}Member`,
      "organisations_userorganisation",
      { organisation_id: org, user_id: mine ? alice : bob, role: "ADMIN" },
      own(),
    );
    if (alices("CrossMember"))
      await add(`${prefix}CrossMember`, "organisations_userorganisation", {
        organisation_id: org,
        user_id: mine ? bob : alice,
        role: "USER",
      });
    const segment = await add(`${prefix}Segment`, "segments_segment", { project_id: project }, own());
    const top = await add(`${prefix}Rule`, "segments_segmentrule", { segment_id: segment, type: "ALL" }, own());
    const child = await add(`${prefix}ChildRule`, "segments_segmentrule", { rule_id: top, type: "ANY" }, own());
    await add(`${prefix}Condition`, "segments_condition", { rule_id: child, operator: "EQUAL" }, own());
    const fseg = await add(
      `${prefix}FeatureSegment`,
      "features_featuresegment",
      { feature_id: feature, segment_id: segment, environment_id: env },
      own(),
    );
    if (fseg !== null) {
      const segFs = await add(
        `${prefix}SegmentFs`,
        "features_featurestate",
        { feature_id: feature, environment_id: env, feature_segment_id: fseg },
        own(),
      );
      await add(`${prefix}SegmentFsv`, "features_featurestatevalue", { feature_state_id: segFs }, own());
    }
    const identity = await add(`${prefix}Identity`, "environments_identity", { environment_id: env }, own());
    await add(`${prefix}Trait`, "environments_trait", { identity_id: identity }, own());
    const idFs = await add(
      `${prefix}IdentityFs`,
      "features_featurestate",
      { feature_id: feature, environment_id: env, identity_id: identity },
      own(),
    );
    await add(`${prefix}IdentityFsv`, "features_featurestatevalue", { feature_state_id: idFs }, own());
    const key = `${prefix}key.id`;
    await add(
      `${prefix}Key`,
      "api_keys_masterapikey",
      { id: key, organisation_id: org, created_by_id: alice },
      own({ nulled: ["created_by_id"] }),
    );
    if (alices("OrgPerm")) {
      const orgPerm = await add(`${prefix}OrgPerm`, "organisation_permissions_userorganisationpermission", {
        organisation_id: org,
        user_id: alice,
      });
      await add(`${prefix}OrgPermKey`, "organisation_permissions_userorganisationpermission_permissions", {
        userorganisationpermission_id: orgPerm,
        permissionmodel_id: "CREATE_PROJECT",
      });
    }
    if (alices("ProjPerm")) {
      const projPerm = await add(`${prefix}ProjPerm`, "projects_userprojectpermission", {
        project_id: project,
        user_id: mine ? bob : alice,
      });
      await add(`${prefix}ProjPermKey`, "projects_userprojectpermission_permissions", {
        userprojectpermission_id: projPerm,
        permissionmodel_id: "VIEW_PROJECT",
      });
    }
    if (alices("EnvPermAlice"))
      await add(`${prefix}EnvPermAlice`, "environments_userenvironmentpermission", {
        environment_id: env,
        user_id: alice,
      });
    const envPerm = await add(
      `${prefix}EnvPerm`,
      "environments_userenvironmentpermission",
      { environment_id: env, user_id: bob },
      own(),
    );
    await add(
      `${prefix}EnvPermKey`,
      "environments_userenvironmentpermission_permissions",
      { userenvironmentpermission_id: envPerm, permissionmodel_id: "VIEW_ENVIRONMENT" },
      own(),
    );
    const group = await add(`${prefix}Group`, "users_userpermissiongroup", { organisation_id: org }, own());
    if (alices("GroupAlice"))
      await add(`${prefix}GroupAlice`, "users_userpermissiongroup_users", {
        userpermissiongroup_id: group,
        ffadminuser_id: alice,
      });
    await add(
      `${prefix}GroupBob`,
      "users_userpermissiongroup_users",
      { userpermissiongroup_id: group, ffadminuser_id: bob },
      own(),
    );
    if (alices("OwnerAlice"))
      await add(`${prefix}OwnerAlice`, "features_feature_owners", { feature_id: feature, ffadminuser_id: alice });
    if (alices("LdImport"))
      await add(`${prefix}LdImport`, "launch_darkly_launchdarklyimportrequest", {
        project_id: project,
        created_by_id: alice,
      });
    await add(`${prefix}OwnerBob`, "features_feature_owners", { feature_id: feature, ffadminuser_id: bob }, own());
    await add(
      `${prefix}Audit`,
      "audit_auditlog",
      { project_id: project, environment_id: env, author_id: alice, log: "New Flag created" },
      own({ nulled: ["author_id"] }),
    );
    // History rows are kept whoever they belong to (no FK on their copied ids); only live references are cleared.
    await add(
      `${prefix}History`,
      "features_historicalfeature",
      { id: feature, history_type: "+", history_user_id: alice, master_api_key_id: key, project_id: project },
      { nulled: mine ? ["history_user_id", "master_api_key_id"] : ["history_user_id"] },
    );
    if (alices("Invite"))
      await add(`${prefix}Invite`, "users_invite", {
        organisation_id: org,
        invited_by_id: alice,
        email: `${prefix}@invitee.test`,
      }); // Django: CASCADE
    const cr = await add(
      `${prefix}ChangeRequest`,
      "workflows_core_changerequest",
      { project_id: project, environment_id: env, user_id: alice, committed_by_id: bob },
      own({ nulled: ["user_id"] }),
    );
    if (cr !== null) {
      if (alices("Approval"))
        await add(`${prefix}Approval`, "workflows_core_changerequestapproval", {
          change_request_id: cr,
          user_id: alice,
        });
      await add(
        `${prefix}BobApproval`,
        "workflows_core_changerequestapproval",
        { change_request_id: cr, user_id: bob },
        own(),
      );
    }
  }
  await add("aliceToken", "authtoken_token", { key: "alice-token", user_id: alice });
  await add("aliceJwt", "token_blacklist_outstandingtoken", { user_id: alice }, { nulled: ["user_id"] }); // simplejwt: SET_NULL
  await add("bobToken", "authtoken_token", { key: "bob-token", user_id: bob }, "kept");
  return seeded;
}

export type Snapshot = Map<string, Map<string, Row>>;

/** Every row of every public table, keyed by table then primary key (the row itself when there is none). */
export async function snapshot(sql: postgres.Sql): Promise<Snapshot> {
  const tables = await sql<{ table: string; pk: string[] | null }[]>`
    select c.relname as "table",
           (select array_agg(a.attname order by a.attnum) from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
            where i.indrelid = c.oid and i.indisprimary) as pk
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' order by 1`;
  const result: Snapshot = new Map();
  for (const { table, pk } of tables) {
    const key = pk ? `jsonb_build_array(${pk.map((c) => `t.${q(c)}`).join(", ")})::text` : "to_jsonb(t)::text";
    const rows = await sql.unsafe(`select ${key} as k, to_jsonb(t) as r from public.${q(table)} t`);
    result.set(table, new Map(rows.map((r) => [r.k as string, r.r as Row])));
  }
  return result;
}

/** Per table, rows removed; per `table.column`, rows whose only change is that column becoming NULL; anything else. */
export function compareSnapshots(before: Snapshot, after: Snapshot) {
  const removed: Record<string, number> = {};
  const nulled: Record<string, number> = {};
  const other: string[] = [];
  for (const [table, rows] of before) {
    const now = after.get(table)!;
    for (const [key, row] of rows) {
      const current = now.get(key);
      if (!current) {
        removed[table] = (removed[table] ?? 0) + 1;
        continue;
      }
      for (const column of Object.keys(row)) {
        if (JSON.stringify(row[column]) === JSON.stringify(current[column])) continue;
        if (current[column] === null) nulled[`${table}.${column}`] = (nulled[`${table}.${column}`] ?? 0) + 1;
        else other.push(`${table}.${column} ${key}`);
      }
    }
    for (const key of now.keys()) if (!rows.has(key)) other.push(`${table} added ${key}`);
  }
  return { removed, nulled, other };
}

/** The totals the seeded fates imply, in the shape of `compareSnapshots` and `resetDeclared`. */
export function expectedTotals(seeded: Seeded[]) {
  const removed: Record<string, number> = {};
  const nulled: Record<string, number> = {};
  for (const { table, fate } of seeded) {
    if (fate === "deleted") removed[table] = (removed[table] ?? 0) + 1;
    else if (fate !== "kept") for (const c of fate.nulled) nulled[`${table}.${c}`] = (nulled[`${table}.${c}`] ?? 0) + 1;
  }
  return { removed: sortKeys(removed), nulled: sortKeys(nulled) };
}

export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
