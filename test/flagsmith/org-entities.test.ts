import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { verifyPassword } from "../../src/flagsmith/django.ts";
import {
  availableSchemas,
  checksumAllTables,
  createTestDatabase,
  noticeMissingDumps,
  type TestDatabase,
} from "../helpers/database.ts";
import { at, desiredWith, ops, provision } from "../helpers/org.ts";
import type { Desired } from "../../src/kinds/index.ts";

noticeMissingDumps("org-entities");

const CHOSEN_KEY = "abcdefgh.ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
const GIVEN_HASH = "pbkdf2_sha256$1000$saltsaltsaltsaltsalt12$V3ry+0nly/1ooks+right1234567890abcdefghijk=";

function richDesired(): Desired {
  return desiredWith({
    users: [
      {
        ...at(),
        email: "Admin@Example.COM",
        isSuperuser: true,
        firstName: "",
        lastName: "",
        username: null,
        password: { kind: "unusable" },
      },
      {
        ...at(),
        email: "dev@example.com",
        isSuperuser: false,
        firstName: "Dev",
        lastName: "Eloper",
        username: "dev",
        password: { kind: "plain", value: "Str0ngp4ssw0rd!" },
      },
      {
        ...at(),
        email: "ops@example.com",
        isSuperuser: false,
        firstName: "",
        lastName: "",
        username: null,
        password: { kind: "hash", value: GIVEN_HASH },
      },
    ],
    organisations: [
      { ...at(), name: "Acme", subscription: { plan: "enterprise", seats: 8, subscriptionId: "sub_1" } },
      { ...at(), name: "Other", subscription: null },
    ],
    memberships: [
      { ...at(), organisation: "Acme", email: "Admin@example.com", role: "ADMIN" },
      { ...at(), organisation: "Acme", email: "dev@example.com", role: "USER" },
      { ...at(), organisation: "Other", email: "ops@example.com", role: "USER" },
    ],
    groups: [
      { ...at(), organisation: "Acme", name: "Everyone", isDefault: true },
      { ...at(), organisation: "Acme", name: "Ops", isDefault: false },
    ],
    groupMembers: [
      { ...at(), organisation: "Acme", group: "Ops", email: "ops@example.com" },
      { ...at(), organisation: "Acme", group: "Everyone", email: "dev@example.com" },
    ],
    organisationPermissions: [
      {
        ...at(),
        organisation: "Acme",
        email: "dev@example.com",
        permissions: ["CREATE_PROJECT", "MANAGE_USER_GROUPS"],
      },
    ],
    masterApiKeys: [
      { ...at(), organisation: "Acme", name: "CI", isAdmin: true, key: null },
      { ...at(), organisation: "Acme", name: "Chosen", isAdmin: false, key: CHOSEN_KEY },
    ],
    projects: [
      { ...at(), organisation: "Acme", name: "Web", settings: {} },
      { ...at(), organisation: "Other", name: "Web", settings: {} },
    ],
    projectPermissions: [
      {
        ...at(),
        project: { organisation: "Acme", name: "Web" },
        email: "dev@example.com",
        permissions: ["VIEW_PROJECT", "CREATE_FEATURE"],
        admin: false,
      },
    ],
    environments: [
      {
        ...at(),
        project: { organisation: "Acme", name: "Web" },
        name: "Dev",
        description: null,
        showKey: false,
        settings: {},
      },
    ],
    environmentPermissions: [
      {
        ...at(),
        environment: { project: { organisation: "Acme", name: "Web" }, name: "Dev" },
        email: "dev@example.com",
        permissions: ["VIEW_ENVIRONMENT"],
        admin: true,
      },
    ],
  });
}

for (const schema of availableSchemas()) {
  describe(`organisation side on ${schema}`, () => {
    let db: TestDatabase;
    let first: Awaited<ReturnType<typeof provision>>;
    beforeAll(async () => {
      db = await createTestDatabase(schema);
      first = await provision(db.url, richDesired(), { djangoSecretKey: "s3cret", flagsmithDomain: null });
    }, 60_000);
    afterAll(() => db?.drop(), 60_000);

    test("every entity is planned as a creation", () => {
      expect(first.plan.actions.every((a) => a.op === "create")).toBe(true);
    });

    test("users: normalised email, Django defaults, the three password forms", async () => {
      const rows = await db.sql`select * from users_ffadminuser order by id`;
      expect(rows.map((r) => r.email)).toEqual(["Admin@example.com", "dev@example.com", "ops@example.com"]);
      const [admin, dev, ops] = rows as any[];
      expect(admin.password).toMatch(/^![A-Za-z0-9]{40}$/);
      expect([admin.is_superuser, admin.is_staff, admin.is_active, admin.marketing_consent_given]).toEqual([
        true,
        true,
        true,
        true,
      ]);
      expect([admin.first_name, admin.last_name, admin.username, admin.last_login, admin.sign_up_type]).toEqual([
        "",
        "",
        null,
        null,
        null,
      ]);
      expect(admin.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(admin.date_joined).toBeInstanceOf(Date);
      expect(dev.password).toMatch(/^pbkdf2_sha256\$1000000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/);
      expect(await verifyPassword("Str0ngp4ssw0rd!", dev.password)).toBe(true);
      expect([dev.is_superuser, dev.is_staff, dev.first_name, dev.last_name, dev.username]).toEqual([
        false,
        false,
        "Dev",
        "Eloper",
        "dev",
      ]);
      expect(ops.password).toBe(GIVEN_HASH);
    });

    test("superuser without password gets a reset link for its row (and no one else gets a secret)", async () => {
      const [admin] = await db.sql`select id from users_ffadminuser where email = 'Admin@example.com'`;
      const userSecrets = first.outcomes.filter((o) => o.action.kind === "user" && o.secrets.length > 0);
      expect(userSecrets).toHaveLength(1);
      const secret = userSecrets[0]!.secrets[0]!;
      expect(secret.kind).toBe("resetLink");
      const uid = Buffer.from(String(admin!.id)).toString("base64url");
      expect((secret as { url: string }).url).toMatch(
        new RegExp(`^https://example\\.com/password-reset/confirm/${uid}/[0-9a-z]+-[0-9a-f]{32}$`),
      );
    });

    test("organisations: Flagsmith defaults, subscription with declared values, free '+' history row", async () => {
      const orgs = await db.sql`select * from organisations_organisation order by id`;
      expect(orgs.map((o) => o.name)).toEqual(["Acme", "Other"]);
      for (const o of orgs) {
        expect([
          o.has_requested_features,
          o.alerted_over_plan_limit,
          o.stop_serving_flags,
          o.restrict_project_create_to_admin,
        ]).toEqual([false, false, false, false]);
        expect([
          o.persist_trait_data,
          o.block_access_to_admin,
          o.feature_analytics,
          o.force_2fa,
          o.deleted_at,
          o.webhook_notification_email,
        ]).toEqual([true, false, false, false, null, null]);
      }
      const subs = await db.sql`
        select o.name, s.plan, s.max_seats, s.max_api_calls::int as max_api_calls, s.subscription_id, s.deleted_at, s.uuid is not null as has_uuid
        from organisations_subscription s join organisations_organisation o on o.id = s.organisation_id order by o.id`;
      expect(subs.map((s) => ({ ...s }))).toEqual([
        {
          name: "Acme",
          plan: "enterprise",
          max_seats: 8,
          max_api_calls: 50000,
          subscription_id: "sub_1",
          deleted_at: null,
          has_uuid: true,
        },
        {
          name: "Other",
          plan: "free",
          max_seats: 1,
          max_api_calls: 50000,
          subscription_id: null,
          deleted_at: null,
          has_uuid: true,
        },
      ]);
      const history = await db.sql`
        select h.plan, h.max_seats, h.max_api_calls::int as calls, h.subscription_id, h.history_type, h.history_user_id,
               h.id = s.id and h.uuid = s.uuid and h.organisation_id = s.organisation_id as same_row
        from organisations_historicalsubscription h join organisations_subscription s on s.id = h.id order by h.id`;
      expect(history.map((h) => ({ ...h }))).toEqual([
        {
          plan: "free",
          max_seats: 1,
          calls: 50000,
          subscription_id: null,
          history_type: "+",
          history_user_id: null,
          same_row: true,
        },
        {
          plan: "free",
          max_seats: 1,
          calls: 50000,
          subscription_id: null,
          history_type: "+",
          history_user_id: null,
          same_row: true,
        },
      ]);
    });

    test("memberships, groups and default-group membership", async () => {
      const members = await db.sql`
        select o.name as org, u.email, m.role from organisations_userorganisation m
        join organisations_organisation o on o.id = m.organisation_id join users_ffadminuser u on u.id = m.user_id order by m.id`;
      expect(members.map((m) => `${m.org}/${m.email}/${m.role}`)).toEqual([
        "Acme/Admin@example.com/ADMIN",
        "Acme/dev@example.com/USER",
        "Other/ops@example.com/USER",
      ]);
      const groups =
        await db.sql`select name, is_default, ldap_dn, external_id from users_userpermissiongroup order by id`;
      expect(groups.map((g) => ({ ...g }))).toEqual([
        { name: "Everyone", is_default: true, ldap_dn: null, external_id: null },
        { name: "Ops", is_default: false, ldap_dn: null, external_id: null },
      ]);
      const inGroups = await db.sql`
        select g.name, u.email, gu.group_admin from users_userpermissiongroup_users gu
        join users_userpermissiongroup g on g.id = gu.userpermissiongroup_id join users_ffadminuser u on u.id = gu.ffadminuser_id
        order by g.name, u.email`;
      // Everyone (default) holds the org's new members; ops is only in Ops (it joined another organisation).
      expect(inGroups.map((r) => `${r.name}/${r.email}/${r.group_admin}`)).toEqual([
        "Everyone/Admin@example.com/false",
        "Everyone/dev@example.com/false",
        "Ops/ops@example.com/false",
      ]);
    });

    test("permissions: one row per target and one M2M row per key", async () => {
      const org = await db.sql`
        select u.email, array_agg(pp.permissionmodel_id order by pp.permissionmodel_id) as keys
        from organisation_permissions_userorganisationpermission p join users_ffadminuser u on u.id = p.user_id
        join organisation_permissions_userorganisationpermission_permissions pp on pp.userorganisationpermission_id = p.id group by u.email`;
      expect(org.map((r) => ({ ...r }))).toEqual([
        { email: "dev@example.com", keys: ["CREATE_PROJECT", "MANAGE_USER_GROUPS"] },
      ]);
      const project = await db.sql`
        select pr.name, p.admin, array_agg(pp.permissionmodel_id order by pp.permissionmodel_id) as keys
        from projects_userprojectpermission p join projects_project pr on pr.id = p.project_id
        join projects_userprojectpermission_permissions pp on pp.userprojectpermission_id = p.id group by pr.name, p.admin`;
      expect(project.map((r) => ({ ...r }))).toEqual([
        { name: "Web", admin: false, keys: ["CREATE_FEATURE", "VIEW_PROJECT"] },
      ]);
      const env = await db.sql`
        select e.name, p.admin, array_agg(pp.permissionmodel_id) as keys
        from environments_userenvironmentpermission p join environments_environment e on e.id = p.environment_id
        join environments_userenvironmentpermission_permissions pp on pp.userenvironmentpermission_id = p.id group by e.name, p.admin`;
      expect(env.map((r) => ({ ...r }))).toEqual([{ name: "Dev", admin: true, keys: ["VIEW_ENVIRONMENT"] }]);
    });

    test("master API keys: hashed like Flagsmith, the printed key verifies, the chosen key is kept and not echoed", async () => {
      const rows = await db.sql`select * from api_keys_masterapikey order by name`;
      expect(rows.map((r) => r.name)).toEqual(["CI", "Chosen"]);
      const printed = new Map(
        first.outcomes
          .filter((o) => o.action.kind === "masterApiKey" && o.secrets.length)
          .map((o) => [(o.action.entity as { name: string }).name, (o.secrets[0] as { key: string }).key]),
      );
      expect(printed.has("Chosen")).toBe(false);
      expect(printed.get("CI")).toMatch(/^[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}$/);
      for (const r of rows) {
        const key = r.name === "Chosen" ? CHOSEN_KEY : printed.get(r.name)!;
        expect(r.prefix).toBe(key.slice(0, 8));
        expect(r.id).toBe(`${r.prefix}.${r.hashed_key}`);
        expect(r.hashed_key).toMatch(/^pbkdf2_sha256\$1000000\$/);
        expect(await verifyPassword(key, r.hashed_key)).toBe(true);
        expect([r.revoked, r.expiry_date, r.deleted_at, r.created_by_id ?? null]).toEqual([false, null, null, null]);
      }
      expect(rows.map((r) => r.is_admin)).toEqual([true, false]);
    });

    test("projects: every Flagsmith default", async () => {
      const rows =
        await db.sql`select p.*, o.name as org from projects_project p join organisations_organisation o on o.id = p.organisation_id order by p.id`;
      expect(rows.map((r) => `${r.org}/${r.name}`)).toEqual(["Acme/Web", "Other/Web"]);
      for (const r of rows) {
        expect([
          r.hide_disabled_flags,
          r.enable_dynamo_db,
          r.prevent_flag_defaults,
          r.enable_realtime_updates,
          r.only_allow_lower_case_feature_names,
        ]).toEqual([false, false, false, false, true]);
        expect([
          r.max_segments_allowed,
          r.max_features_allowed,
          r.max_segment_overrides_allowed,
          r.stale_flags_limit_days,
        ]).toEqual([500, 1000, 2000, 30]);
        expect([
          r.identity_overrides_v2_migration_status,
          r.feature_name_regex,
          r.edge_v2_migration_read_capacity_budget,
          r.minimum_change_request_approvals,
          r.deleted_at,
        ]).toEqual(["NOT_STARTED", null, null, null, null]);
        if ("enforce_feature_owners" in r) expect(r.enforce_feature_owners).toBe(false);
      }
    });

    test("a second run creates nothing and changes no row", async () => {
      const before = await checksumAllTables(db.sql);
      const again = await provision(db.url, richDesired(), { djangoSecretKey: "s3cret", flagsmithDomain: null });
      expect(ops(again.plan).filter((o) => o.endsWith(":create"))).toEqual([]);
      expect(again.outcomes.every((o) => o.secrets.length === 0)).toBe(true);
      expect(await checksumAllTables(db.sql)).toBe(before);
    });

    test("a new member of an existing organisation joins its default groups", async () => {
      const desired = desiredWith({
        users: [
          {
            ...at(),
            email: "late@example.com",
            isSuperuser: false,
            firstName: "",
            lastName: "",
            username: null,
            password: { kind: "unusable" },
          },
        ],
        memberships: [{ ...at(), organisation: "Acme", email: "late@example.com", role: "USER" }],
      });
      const run = await provision(db.url, desired);
      expect(run.plan.actions.map((a) => `${a.kind}:${a.op}:${a.parent}`)).toEqual([
        "user:create:null",
        "membership:create:existing",
      ]);
      expect(run.outcomes.every((o) => o.secrets.length === 0)).toBe(true);
      const rows = await db.sql`
        select g.name from users_userpermissiongroup_users gu join users_userpermissiongroup g on g.id = gu.userpermissiongroup_id
        join users_ffadminuser u on u.id = gu.ffadminuser_id where u.email = 'late@example.com'`;
      expect(rows.map((r) => r.name)).toEqual(["Everyone"]);
    });
  });
}
