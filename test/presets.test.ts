import { describe, expect, test } from "bun:test";
import { parse, parseDocument } from "yaml";
import { UserError } from "../src/errors.ts";
import { hashPassword, verifyPassword } from "../src/flagsmith/django.ts";
import { findPreset, PRESETS } from "../src/input/presets.ts";
import { loadDesired } from "../src/input/index.ts";

/** The preset's single file as plain data, before interpolation. */
function presetData(name: string): any {
  return parse(findPreset(name)!.files[0]!.text);
}

describe("embedded presets", () => {
  test("listed in the order bootstrap, dev, e2e, demo, fof", () => {
    expect(PRESETS.map((p) => p.name)).toEqual(["bootstrap", "dev", "e2e", "demo", "fof"]);
  });

  test("every preset has files named preset:<name>/<file>.yaml, a summary header and parseable YAML with version 1.0", () => {
    for (const preset of PRESETS) {
      expect(preset.summary.length).toBeGreaterThan(10);
      expect(preset.files.length).toBeGreaterThan(0);
      for (const file of preset.files) {
        expect(file.name).toMatch(new RegExp(`^preset:${preset.name}/[a-z0-9-]+\\.yaml$`));
        expect(file.text.startsWith(`# ${preset.name}: `)).toBe(true);
        const document = parseDocument(file.text);
        expect(document.errors).toEqual([]);
        expect(document.get("version")).toBe("1.0");
      }
    }
  });

  test("every variable a preset reads is documented in its header", () => {
    for (const preset of PRESETS) {
      const header = preset.files[0]!.text.split("\nversion:")[0]!;
      for (const variable of preset.variables) expect(header).toContain(variable);
    }
  });

  test("findPreset finds by exact name only", () => {
    expect(findPreset("bootstrap")?.name).toBe("bootstrap");
    expect(findPreset("nope")).toBeUndefined();
    expect(findPreset("Bootstrap")).toBeUndefined();
  });
});

describe("every preset passes the loader", () => {
  // Values for every variable any preset reads, to show they really flow into the result.
  const SET = {
    ADMIN_EMAIL: "root@corp.test",
    ORGANISATION_NAME: "Corp",
    PROJECT_NAME: "Main",
    APP_DOMAIN: "flags.corp.test",
    DEV_USER_EMAIL: "me@corp.test",
    E2E_USER: "e2e@corp.test",
    E2E_NON_ADMIN_USER_WITH_ORG_PERMISSIONS: "org@corp.test",
    E2E_NON_ADMIN_USER_WITH_PROJECT_PERMISSIONS: "project@corp.test",
    E2E_NON_ADMIN_USER_WITH_ENV_PERMISSIONS: "env@corp.test",
    E2E_NON_ADMIN_USER_WITH_A_ROLE: "role@corp.test",
    E2E_SEPARATE_TEST_USER: "separate@corp.test",
    E2E_BILLING_USER: "billing@corp.test",
    E2E_IDENTITY: "someone",
    DEMO_ADMIN_EMAIL: "demo@corp.test",
    DEMO_ADMIN_PASSWORD_HASH: "pbkdf2_sha256$1000$corpsalt$c29tZS1oYXNoLWJ5dGVz",
    FOF_ORGANISATION_NAME: "Platform",
  };

  for (const preset of PRESETS) {
    test(`${preset.name}: valid with no variables set, and with all of them set`, () => {
      expect(loadDesired(preset.files, {}).warnings).toEqual([]);
      const { desired } = loadDesired(preset.files, SET);
      const text = JSON.stringify(desired);
      for (const variable of preset.variables) {
        expect(text).toContain(JSON.stringify(SET[variable as keyof typeof SET]).slice(1, -1));
      }
    });
  }

  test("bootstrap defaults are the contract's", () => {
    const { desired } = loadDesired(findPreset("bootstrap")!.files, {});
    expect(desired.appDomain?.value).toBe("localhost:8000");
    expect(desired.users.map((u) => [u.email, u.isSuperuser, u.password.kind])).toEqual([
      ["admin@example.com", true, "unusable"],
    ]);
    expect(desired.organisations.map((o) => o.name)).toEqual(["Default Organisation"]);
    expect(desired.memberships.map((m) => [m.organisation, m.email, m.role])).toEqual([
      ["Default Organisation", "admin@example.com", "ADMIN"],
    ]);
    expect(desired.projects.map((p) => [p.organisation, p.name])).toEqual([
      ["Default Organisation", "Default Project"],
    ]);
    expect(desired.environments).toEqual([]);
  });

  test("e2e emails follow the E2E_* variables and default to Flagsmith's", () => {
    const defaults = loadDesired(findPreset("e2e")!.files, {}).desired;
    expect(defaults.users.map((u) => u.email)).toEqual([
      "e2e_user@flagsmithe2etestdomain.io",
      "e2e_non_admin_user_with_org_permissions@flagsmithe2etestdomain.io",
      "e2e_non_admin_user_with_project_permissions@flagsmithe2etestdomain.io",
      "e2e_non_admin_user_with_env_permissions@flagsmithe2etestdomain.io",
      "e2e_non_admin_user_with_a_role@flagsmithe2etestdomain.io",
      "e2e_separate_test_user@flagsmithe2etestdomain.io",
      "e2e_billing_user@flagsmithe2etestdomain.io",
    ]);
    // Only the first declares a username; the others leave it out (NULL, as the seed writes).
    expect(defaults.users.map((u) => u.username)).toEqual([
      "e2e_user@flagsmithe2etestdomain.io",
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(defaults.identities.map((i) => i.identifier)).toEqual(Array(6).fill("test-identity"));

    const custom = loadDesired(findPreset("e2e")!.files, SET).desired;
    expect(custom.users.map((u) => u.email)).toEqual([
      "e2e@corp.test",
      "org@corp.test",
      "project@corp.test",
      "env@corp.test",
      "role@corp.test",
      "separate@corp.test",
      "billing@corp.test",
    ]);
    expect(custom.users[0]!.username).toBe("e2e@corp.test");
    // Every reference to a user moves with its variable: nothing still points at the defaults.
    expect(JSON.stringify(custom)).not.toContain("flagsmithe2etestdomain.io");
    expect(custom.organisationPermissions.map((p) => [p.email, p.permissions])).toEqual([
      ["org@corp.test", ["CREATE_PROJECT", "MANAGE_USER_GROUPS"]],
    ]);
    expect(custom.environmentPermissions.map((p) => [p.email, p.admin])).toEqual([["env@corp.test", false]]);
  });

  test("e2e resolves to the seed's counts: 7 users, 3 organisations, 7 projects, 8 environments, 6 identities", () => {
    const { desired } = loadDesired(findPreset("e2e")!.files, {});
    expect(desired.users).toHaveLength(7);
    expect(desired.organisations.map((o) => o.name)).toEqual([
      "Bullet Train Ltd",
      "E2E Separate Org",
      "E2E Billing Org",
    ]);
    expect(desired.organisations[0]!.subscription).toEqual({
      plan: "enterprise",
      seats: 8,
      subscriptionId: "test_subscription_id",
    });
    expect(desired.memberships).toHaveLength(7);
    expect(desired.groups.map((g) => [g.name, g.isDefault ?? false])).toEqual([["TestGroup", false]]);
    expect(desired.projects).toHaveLength(7);
    expect(desired.environments).toHaveLength(8);
    expect(desired.identities).toHaveLength(6);
    expect(desired.projectPermissions).toHaveLength(2);
    expect(desired.environmentPermissions).toHaveLength(1);
  });

  test("fof asks for its environment's key itself (show_key), so a saved copy prints it too, and sets no app_domain", () => {
    const { desired } = loadDesired(findPreset("fof")!.files, {});
    expect(desired.environments.map((e) => [e.project.name, e.name, e.showKey])).toEqual([
      ["Flagsmith on Flagsmith", "Production", true],
    ]);
    // An add-on: the site domain is the instance's, so a copy next to any other file cannot conflict on it.
    expect(desired.appDomain).toBeNull();
  });

  test("demo declares a master API key and three projects", () => {
    const { desired } = loadDesired(findPreset("demo")!.files, {});
    expect(desired.masterApiKeys.map((k) => [k.organisation, k.name, k.key])).toEqual([
      ["Acme Inc", "CI/CD Pipeline", null],
    ]);
    expect(desired.projects.map((p) => p.name)).toEqual(["Storefront Web", "Mobile App", "Payments API"]);
  });
});

describe("bootstrap preset", () => {
  test("reads exactly the contract's variables, with its defaults, and creates no environments", () => {
    const preset = findPreset("bootstrap")!;
    expect(preset.variables.toSorted()).toEqual(["ADMIN_EMAIL", "APP_DOMAIN", "ORGANISATION_NAME", "PROJECT_NAME"]);
    const text = preset.files[0]!.text;
    for (const expected of [
      "${ADMIN_EMAIL:admin@example.com}",
      "${ORGANISATION_NAME:Default Organisation}",
      "${PROJECT_NAME:Default Project}",
      "${APP_DOMAIN:localhost:8000}",
    ]) {
      expect(text).toContain(expected);
    }
    const data = presetData("bootstrap");
    expect(data.users).toEqual([{ email: "${ADMIN_EMAIL:admin@example.com}", is_superuser: true }]);
    expect(data.organisations[0].members).toEqual([{ email: "${ADMIN_EMAIL:admin@example.com}", role: "ADMIN" }]);
    expect(data.projects).toHaveLength(1);
    expect(data.projects[0].environments).toBeUndefined();
    expect(data.environments).toBeUndefined();
  });
});

describe("e2e preset", () => {
  const data = presetData("e2e");

  test("every seeded user's password_hash is a 1,000,000-iteration hash of Str0ngp4ssw0rd!", async () => {
    expect(data.users).toHaveLength(7);
    const hashes: string[] = data.users.map((u: any) => u.password_hash);
    for (const hash of hashes) expect(hash).toMatch(/^pbkdf2_sha256\$1000000\$/);
    const checks = await Promise.all(hashes.map((h) => verifyPassword("Str0ngp4ssw0rd!", h)));
    expect(checks).toEqual(Array(7).fill(true));
  }, 30_000);

  test("matches the seed's shape: 3 organisations in order, 7 projects, 8 environments, 6 identities", () => {
    expect(data.organisations.map((o: any) => o.name)).toEqual([
      "Bullet Train Ltd",
      "E2E Separate Org",
      "E2E Billing Org",
    ]);
    expect(data.organisations[0].subscription).toEqual({
      plan: "enterprise",
      seats: 8,
      subscription_id: "test_subscription_id",
    });
    expect(data.organisations[1].subscription).toBeUndefined();
    expect(data.organisations[2].subscription).toBeUndefined();
    expect(data.organisations[0].groups).toEqual([{ name: "TestGroup" }]);
    expect(data.projects).toHaveLength(7);
    const environments = data.projects.flatMap((p: any) => p.environments);
    expect(environments).toHaveLength(8);
    expect(environments.flatMap((e: any) => e.identities ?? []).map((i: any) => i.identifier)).toEqual(
      Array(6).fill("${E2E_IDENTITY:test-identity}"),
    );
    // Only the first project has no identities (seed: environments[2..7]).
    expect(data.projects[0].environments.some((e: any) => e.identities)).toBe(false);
    const permissions = [
      ...data.projects.flatMap((p: any) => p.permissions ?? []),
      ...environments.flatMap((e: any) => e.permissions ?? []),
    ];
    expect(permissions).toHaveLength(3);
    for (const permission of permissions) expect(permission.admin).toBe(false);
    expect(data.features).toBeUndefined();
    expect(data.segments).toBeUndefined();
    expect(data.master_api_keys).toBeUndefined();
  });

  test("only the first user has a username, nobody is a superuser, signup/change-email users are absent", () => {
    expect(data.users[0].username).toBe(data.users[0].email);
    for (const user of data.users.slice(1)) expect(user.username).toBeUndefined();
    for (const user of data.users) expect(user.is_superuser).toBe(false);
    const text = findPreset("e2e")!.files[0]!.text.split("\nversion:")[1]!;
    expect(text).not.toContain("e2e_signup_user");
    expect(text).not.toContain("e2e_change_email");
  });
});

describe("flag content of dev and demo (PROVISIONING.md §5)", () => {
  // The fields §1 and §5 name, per place: checked here because this build's loader cannot check them yet.
  const FIELDS = {
    project: ["name", "organisation", "description", "permissions", "environments", "features", "segments"],
    projectSettings: ["hide_disabled_flags", "enforce_feature_owners", "feature_name_regex", "tags"],
    environment: ["name", "description", "show_key", "identities", "permissions"],
    environmentSettings: [
      "hide_disabled_flags",
      "allow_client_traits",
      "banner_text",
      "banner_colour",
      "use_identity_composite_key_for_hashing",
      "use_v2_feature_versioning",
    ],
    tag: ["label", "color", "description"],
    feature: ["name", "description", "default_enabled", "initial_value"],
    featureContent: ["is_server_key_only", "tags", "owners", "group_owners", "multivariate_options", "environments"],
    option: ["value", "default_percentage_allocation"],
    state: ["enabled", "value", "multivariate", "segment_overrides", "identity_overrides"],
    segmentOverride: ["segment", "enabled", "value", "multivariate"],
    identityOverride: ["identifier", "enabled", "value"],
  };

  for (const name of ["dev", "demo"])
    test(`${name} uses only fields the contract names, each where it belongs`, () => {
      const unknown: string[] = [];
      const only = (item: any, allowed: string[], at: string) =>
        Object.keys(item).forEach((key) => allowed.includes(key) || unknown.push(`${at}: ${key}`));
      for (const project of presetData(name).projects) {
        only(project, [...FIELDS.project, ...FIELDS.projectSettings], project.name);
        (project.tags ?? []).forEach((tag: any) => only(tag, FIELDS.tag, `${project.name} tag ${tag.label}`));
        for (const environment of project.environments)
          only(
            environment,
            [...FIELDS.environment, ...FIELDS.environmentSettings],
            `${project.name} / ${environment.name}`,
          );
        for (const feature of project.features) {
          const at = `${project.name} / ${feature.name}`;
          only(feature, [...FIELDS.feature, ...FIELDS.featureContent], at);
          (feature.multivariate_options ?? []).forEach((o: any) => only(o, FIELDS.option, `${at} option`));
          for (const [environment, state] of Object.entries<any>(feature.environments ?? {})) {
            only(state, FIELDS.state, `${at} in ${environment}`);
            (state.segment_overrides ?? []).forEach((o: any) =>
              only(o, FIELDS.segmentOverride, `${at} in ${environment}`),
            );
            (state.identity_overrides ?? []).forEach((o: any) =>
              only(o, FIELDS.identityOverride, `${at} in ${environment}`),
            );
          }
        }
      }
      expect(unknown).toEqual([]);
    });
});

describe("dev preset: Flagsmith's local reset seed (upstream PR #6459)", () => {
  const data = presetData("dev");
  const project = data.projects[0];
  const USER = "${DEV_USER_EMAIL:local@flagsmith.com}";

  test("one user, Local Developer, not a superuser, whose password_hash is a 1,000,000-iteration hash of testpass1 (as the header says)", async () => {
    expect(data.users).toHaveLength(1);
    const [user] = data.users;
    expect([user.email, user.first_name, user.last_name, user.is_superuser]).toEqual([
      USER,
      "Local",
      "Developer",
      undefined,
    ]);
    expect(user.password_hash).toMatch(/^pbkdf2_sha256\$1000000\$/);
    expect(await verifyPassword("testpass1", user.password_hash)).toBe(true);
    expect(findPreset("dev")!.files[0]!.text.split("\nversion:")[0]).toContain("`testpass1`");
  }, 30_000);

  test("organisation Acme, Inc. (the user is ADMIN), project AI Booster, environments Development, Staging, Production", () => {
    expect(data.organisations).toEqual([{ name: "Acme, Inc.", members: [{ email: USER, role: "ADMIN" }] }]);
    expect(data.projects).toHaveLength(1);
    expect([project.name, project.organisation]).toEqual(["AI Booster", "Acme, Inc."]);
    expect(project.environments.map((e: any) => e.name)).toEqual(["Development", "Staging", "Production"]);
    // alice and bob, without traits, only in Development.
    expect(project.environments.map((e: any) => e.identities ?? [])).toEqual([
      [{ identifier: "alice@example.com" }, { identifier: "bob@example.com" }],
      [],
      [],
    ]);
  });

  test("the seed's six features, in its order, with its descriptions, defaults and initial values as sent", () => {
    expect(project.features.map((f: any) => [f.name, f.description, f.default_enabled, f.initial_value])).toEqual([
      ["dark_mode", "Enable dark mode theme for the application", true, undefined],
      ["ai_assistant", "Enable AI-powered assistant features", false, undefined],
      ["api_rate_limit", "Maximum API requests per minute", true, "100"],
      ["welcome_message", "Welcome message displayed to users", true, "Welcome to AI Booster!"],
      ["feature_config", "JSON configuration for feature behavior", true, '{"theme": "modern", "animations": true}'],
      ["beta_features", "Enable access to beta features", true, undefined],
    ]);
  });

  test("the seed's three segments with their conditions; Premium Users in the exact stored shape ALL[ANY[c1, c2]]", () => {
    expect(project.segments.map((s: any) => [s.name, s.description])).toEqual([
      ["Premium Users", "Users with premium subscription and active status"],
      ["Beta Testers", "Users enrolled in beta testing program"],
      ["50% Rollout", "50% of users for gradual feature rollout"],
    ]);
    expect(project.segments[0].rules).toEqual([
      {
        type: "ALL",
        rules: [
          {
            type: "ANY",
            conditions: [
              { property: "subscription_tier", operator: "EQUAL", value: "premium" },
              { property: "account_age", operator: "GREATER_THAN_INCLUSIVE", value: "30" },
            ],
          },
        ],
      },
    ]);
    // The seed stores these conditions directly in the top-level ALL rule; the format's nearest form.
    expect(project.segments[1].rules).toEqual([
      { type: "ALL", conditions: [{ property: "beta_tester", operator: "EQUAL", value: "true" }] },
    ]);
    expect(project.segments[2].rules).toEqual([
      { type: "ALL", conditions: [{ property: "id", operator: "PERCENTAGE_SPLIT", value: "50" }] },
    ]);
  });

  test("overrides only in Development: four segment overrides (each its feature's only one) and alice's and bob's", () => {
    const overrides = project.features.flatMap((f: any) =>
      Object.entries(f.environments ?? {}).flatMap(([environment, state]: [string, any]) => [
        ...(state.segment_overrides ?? []).map((o: any) => [
          f.name,
          environment,
          `segment ${o.segment}`,
          o.enabled,
          o.value,
        ]),
        ...(state.identity_overrides ?? []).map((o: any) => [
          f.name,
          environment,
          `identity ${o.identifier}`,
          o.enabled,
          o.value,
        ]),
      ]),
    );
    expect(overrides).toEqual([
      ["dark_mode", "Development", "segment Premium Users", true, undefined],
      ["dark_mode", "Development", "identity alice@example.com", false, undefined],
      ["api_rate_limit", "Development", "segment Premium Users", true, 500],
      ["welcome_message", "Development", "segment Beta Testers", true, "Welcome, Beta Tester!"],
      ["welcome_message", "Development", "identity bob@example.com", true, "Hello, Bob!"],
      ["beta_features", "Development", "segment Beta Testers", true, undefined],
    ]);
    // No environment state differs from the feature's defaults: only the overrides are declared.
    for (const feature of project.features)
      for (const state of Object.values<any>(feature.environments ?? {}))
        expect(Object.keys(state).filter((k) => !k.endsWith("_overrides"))).toEqual([]);
  });

  test("the user is admin of the project and of every environment and owns every feature, as the seed's API calls made it", () => {
    expect(project.permissions).toEqual([{ user: USER, admin: true }]);
    for (const environment of project.environments)
      expect(environment.permissions).toEqual([{ user: USER, admin: true }]);
    for (const feature of project.features) expect([feature.name, feature.owners]).toEqual([feature.name, [USER]]);
  });

  test("keeps Flagsmith's defaults for the four settings the seed's form-encoded requests turned false, and says so", () => {
    const settings = [
      "allow_client_traits",
      "use_identity_composite_key_for_hashing",
      "use_identity_overrides_in_local_eval",
      "only_allow_lower_case_feature_names",
    ];
    for (const holder of [project, ...project.environments])
      for (const setting of settings) expect(holder[setting]).toBeUndefined();
    const header = findPreset("dev")!.files[0]!.text.split("\nversion:")[0]!.replace(/\n# ?/g, " ");
    for (const setting of settings) expect(header).toContain(setting);
  });

  test("DEV_USER_EMAIL moves the user and every reference to it", () => {
    const { desired } = loadDesired(findPreset("dev")!.files, { DEV_USER_EMAIL: "me@corp.test" });
    expect(desired.users.map((u) => [u.email, u.isSuperuser ?? false])).toEqual([["me@corp.test", false]]);
    expect(JSON.stringify(desired)).not.toContain("local@flagsmith.com");
  });
});

describe("demo preset", () => {
  const data = presetData("demo");
  const project = (name: string) => data.projects.find((p: any) => p.name === name);
  const feature = (projectName: string, name: string) =>
    project(projectName).features.find((f: any) => f.name === name);

  test("flag content names only what the file declares: its project's tags, environments, segments, identities and variants; users and groups of Acme Inc", () => {
    const problems: string[] = [];
    const users = new Set(data.users.map((u: any) => u.email));
    const groups = new Set(data.organisations[0].groups.map((g: any) => g.name));
    const check = (ok: boolean, what: string) => ok || problems.push(what);
    for (const p of data.projects) {
      const tags = new Set((p.tags ?? []).map((t: any) => t.label));
      const identities = new Map<string, Set<string>>(
        p.environments.map((e: any) => [e.name, new Set((e.identities ?? []).map((i: any) => i.identifier))]),
      );
      const segments = new Set(p.segments.map((s: any) => s.name));
      for (const f of p.features) {
        const at = `${p.name} / ${f.name}`;
        for (const tag of f.tags ?? []) check(tags.has(tag), `${at}: tag ${tag}`);
        for (const owner of f.owners ?? []) check(users.has(owner), `${at}: owner ${owner}`);
        for (const group of f.group_owners ?? []) check(groups.has(group), `${at}: group owner ${group}`);
        const options = (f.multivariate_options ?? []).map((o: any) => o.value);
        const allocations = (split: Record<string, number>, where: string) => {
          for (const [value, percent] of Object.entries(split)) {
            check(options.includes(value), `${where}: variant ${value}`);
            check(Number.isInteger(percent) && percent >= 0 && percent <= 100, `${where}: ${value} ${percent}%`);
          }
          check(Object.values(split).reduce((sum, n) => sum + n, 0) <= 100, `${where}: more than 100%`);
        };
        allocations(
          Object.fromEntries(
            (f.multivariate_options ?? []).map((o: any) => [o.value, o.default_percentage_allocation]),
          ),
          `${at} defaults`,
        );
        for (const [environment, state] of Object.entries<any>(f.environments ?? {})) {
          check(identities.has(environment), `${at}: environment ${environment}`);
          if (state.multivariate) allocations(state.multivariate, `${at} in ${environment}`);
          for (const o of state.segment_overrides ?? []) check(segments.has(o.segment), `${at}: segment ${o.segment}`);
          for (const o of state.identity_overrides ?? [])
            check(
              identities.get(environment)?.has(o.identifier) ?? false,
              `${at}: identity ${o.identifier} in ${environment}`,
            );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test("environments differ as a team's would: the new checkout is on before Production and rolls out there to staff, then beta users, then a quarter of visitors", () => {
    const checkout = feature("Storefront Web", "new_checkout");
    expect(checkout.default_enabled).toBe(false);
    expect(checkout.environments.Development.enabled).toBe(true);
    expect(checkout.environments.Staging.enabled).toBe(true);
    const production = checkout.environments.Production;
    expect(production.enabled).toBe(false);
    // List order is priority order.
    expect(production.segment_overrides.map((o: any) => [o.segment, o.enabled])).toEqual([
      ["acme_staff", true],
      ["beta_users", true],
      ["checkout_rollout_25_percent", true],
    ]);
    // Development differs from Production somewhere in every project.
    for (const p of data.projects) {
      const differing = p.features.filter(
        (f: any) =>
          JSON.stringify(f.environments?.Development ?? {}) !== JSON.stringify(f.environments?.Production ?? {}),
      );
      expect({ project: p.name, differing: differing.length >= 2 }).toEqual({ project: p.name, differing: true });
    }
  });

  test("an A/B test: product_page_layout has two variants beside the control, 33/33 in Production, and a customer pinned to one", () => {
    const layout = feature("Storefront Web", "product_page_layout");
    expect(layout.initial_value).toBe("classic");
    expect(layout.multivariate_options).toEqual([
      { value: "gallery_first", default_percentage_allocation: 25 },
      { value: "reviews_first", default_percentage_allocation: 25 },
    ]);
    expect(layout.environments.Production.multivariate).toEqual({ gallery_first: 33, reviews_first: 33 });
    expect(layout.environments.Production.identity_overrides).toEqual([
      { identifier: "customer-3388", enabled: true, value: "reviews_first" },
    ]);
  });

  test("every project has tags, people and groups as owners, Production segment overrides and banners on Staging and Production; beta and identity overrides in Production", () => {
    for (const p of data.projects) {
      const production = p.features.map((f: any) => f.environments?.Production ?? {});
      const banners = p.environments.filter((e: any) => e.banner_text && e.banner_colour).map((e: any) => e.name);
      expect({
        project: p.name,
        tags: (p.tags ?? []).length > 0 && p.features.some((f: any) => f.tags),
        owners: p.features.some((f: any) => f.owners) && p.features.some((f: any) => f.group_owners),
        segmentOverrides: production.some((s: any) => s.segment_overrides),
        banners,
      }).toEqual({
        project: p.name,
        tags: true,
        owners: true,
        segmentOverrides: true,
        banners: ["Staging", "Production"],
      });
    }
    const betaOverrides = data.projects.flatMap((p: any) =>
      p.features.flatMap((f: any) =>
        (f.environments?.Production?.segment_overrides ?? [])
          .filter((o: any) => /beta/.test(o.segment))
          .map((o: any) => `${f.name}: ${o.segment}`),
      ),
    );
    expect(betaOverrides).toEqual(["new_checkout: beta_users", "ar_product_preview: mobile_beta_testers"]);
    const identityOverrides = data.projects.flatMap((p: any) =>
      p.features.flatMap((f: any) =>
        (f.environments?.Production?.identity_overrides ?? []).map((o: any) => o.identifier),
      ),
    );
    expect(identityOverrides.toSorted()).toEqual(["customer-2210", "customer-3388", "device-19be77"]);
  });

  test("the Payments API is a backend: every one of its flags is for server-side keys only", () => {
    expect(project("Payments API").features.filter((f: any) => f.is_server_key_only !== true)).toEqual([]);
    expect(project("Storefront Web").features.filter((f: any) => f.is_server_key_only)).toEqual([]);
  });

  test("segments cover what the old dev preset showed: EQUAL, IN, semver, GREATER_THAN, PERCENTAGE_SPLIT, REGEX, IS_SET, MODULO, and ANY and NONE rules", () => {
    const operators = new Set<string>();
    const types = new Set<string>();
    const collect = (rules: any[]): void =>
      rules.forEach((rule) => {
        types.add(rule.type);
        (rule.conditions ?? []).forEach((c: any) => {
          operators.add(c.operator);
          if (String(c.value).endsWith(":semver")) operators.add("semver");
        });
        collect(rule.rules ?? []);
      });
    data.projects.forEach((p: any) => p.segments.forEach((s: any) => collect(s.rules)));
    for (const op of ["EQUAL", "IN", "semver", "GREATER_THAN", "PERCENTAGE_SPLIT", "REGEX", "IS_SET", "MODULO"])
      expect(operators).toContain(op);
    expect([...types].toSorted()).toEqual(["ALL", "ANY", "NONE"]);
  });

  test("the admin's default password_hash is a 1,000,000-iteration hash of acme-demo-1234 (as the header says)", async () => {
    const { desired } = loadDesired(findPreset("demo")!.files, {});
    const password = desired.users[0]!.password;
    expect(password.kind).toBe("hash");
    const hash = password.kind === "hash" ? password.value : "";
    expect(hash).toMatch(/^pbkdf2_sha256\$1000000\$/);
    expect(await verifyPassword("acme-demo-1234", hash)).toBe(true);
    expect(findPreset("demo")!.files[0]!.text).toContain("acme-demo-1234");
    // Nobody else gets a password: nothing left for the run to hash but the master API key.
    expect(desired.users.slice(1).map((u) => u.password.kind)).toEqual(
      Array(desired.users.length - 1).fill("unusable"),
    );
  }, 30_000);

  test("DEMO_ADMIN_PASSWORD_HASH replaces the admin's hash, stored as given", async () => {
    const own = await hashPassword("my-own-demo-pw", { iterations: 1000 });
    const { desired } = loadDesired(findPreset("demo")!.files, { DEMO_ADMIN_PASSWORD_HASH: own });
    expect(desired.users[0]!.password).toEqual({ kind: "hash", value: own });
    expect(await verifyPassword("my-own-demo-pw", own)).toBe(true);
  });

  test("a plain password given as DEMO_ADMIN_PASSWORD_HASH is refused at its position, without repeating it", () => {
    let error: unknown;
    try {
      loadDesired(findPreset("demo")!.files, { DEMO_ADMIN_PASSWORD_HASH: "plain-demo-pw" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    const issues = (error as UserError).issues;
    expect(issues.map((i) => [i.rule, i.position?.file])).toEqual([["bad-password-hash", "preset:demo/demo.yaml"]]);
    expect(JSON.stringify(issues)).not.toContain("plain-demo-pw");
  });
});

describe("fof preset", () => {
  const data = presetData("fof");

  test("project Flagsmith on Flagsmith with exactly one environment, Production", () => {
    expect(data.projects).toHaveLength(1);
    expect(data.projects[0].name).toBe("Flagsmith on Flagsmith");
    expect(data.projects[0].environments.map((e: any) => e.name)).toEqual(["Production"]);
  });

  test("safe defaults: nothing that acts on its value alone has a value, and saml stays as if absent (enabled)", () => {
    const byName = new Map<string, any>(data.projects[0].features.map((f: any) => [f.name, f]));
    // The dashboard reads these values whether or not the flag is enabled (getValue ignores `enabled`).
    for (const name of ["oauth_google", "oauth_github", "sso_idp", "butter_bar", "announcement"]) {
      expect(byName.get(name)?.initial_value).toBeUndefined();
    }
    expect(byName.get("saml").default_enabled).toBe(true);
    for (const name of ["disable_create_org", "disable_oauth_registration", "maintenance_mode", "read_only_mode"]) {
      expect(byName.get(name).default_enabled).toBe(false);
    }
    // Absent means the dashboard uses its rich built-in defaults; an empty flag would replace them.
    expect(byName.has("integration_data")).toBe(false);
    expect(byName.has("segment_operators")).toBe(false);
  });
});
