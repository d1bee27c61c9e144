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
    DEV_VIEWER_EMAIL: "them@corp.test",
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
    expect(defaults.users.map((u) => u.username)).toEqual([
      "e2e_user@flagsmithe2etestdomain.io",
      null,
      null,
      null,
      null,
      null,
      null,
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
    expect(desired.groups.map((g) => [g.name, g.isDefault])).toEqual([["TestGroup", false]]);
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

describe("dev preset", () => {
  test("its users' password_hash is of password1234 (as documented in the header)", async () => {
    const data = presetData("dev");
    const checks = await Promise.all(data.users.map((u: any) => verifyPassword("password1234", u.password_hash)));
    expect(checks).toEqual(data.users.map(() => true));
    expect(findPreset("dev")!.files[0]!.text).toContain("password1234");
  }, 30_000);

  test("three environments, a dozen features, segments over the promised operators", () => {
    const project = presetData("dev").projects[0];
    expect(project.environments.map((e: any) => e.name)).toEqual(["Development", "Staging", "Production"]);
    expect(project.features.length).toBeGreaterThanOrEqual(12);
    const operators = new Set<string>();
    const collect = (rules: any[]): void =>
      rules.forEach((rule) => {
        (rule.conditions ?? []).forEach((c: any) => operators.add(c.operator));
        collect(rule.rules ?? []);
      });
    project.segments.forEach((segment: any) => collect(segment.rules));
    for (const op of ["EQUAL", "IN", "GREATER_THAN", "PERCENTAGE_SPLIT", "REGEX", "IS_SET", "MODULO"])
      expect(operators).toContain(op);
  });
});

describe("demo preset", () => {
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
