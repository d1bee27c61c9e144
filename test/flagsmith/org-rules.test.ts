import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ApplyError, UserError } from "../../src/errors.ts";
import { verifyPassword } from "../../src/flagsmith/django.ts";
import { checkCompatibility, refuseUnfitInput } from "../../src/flagsmith/compat.ts";
import { withDatabase } from "../../src/db/connect.ts";
import type { Desired } from "../../src/kinds/index.ts";
import { availableSchemas, createTestDatabase, noticeMissingDumps, type TestDatabase } from "../helpers/database.ts";
import { at, desiredWith, provision } from "../helpers/org.ts";

noticeMissingDumps("org-rules");

/** n organisations, each with a user as ADMIN, a default group, a permission, a master key and a project. */
function scaled(n: number, tag: string): Desired {
  const idx = [...Array(n).keys()];
  const email = (i: number) => `u${i}-${tag}@example.com`;
  const org = (i: number) => `Org ${i} ${tag}`;
  return desiredWith({
    // Every tenth user has a plain password (1 of 2, 3 of 25): their hashes are set by one UPDATE however many there
    // are.
    users: idx.map((i) => ({
      ...at(),
      email: email(i),
      isSuperuser: false,
      firstName: "",
      lastName: "",
      username: null,
      password: i % 10 === 0 ? { kind: "plain" as const, value: `pw-${i}` } : { kind: "unusable" as const },
    })),
    organisations: idx.map((i) => ({ ...at(), name: org(i), subscription: null })),
    memberships: idx.map((i) => ({ ...at(), organisation: org(i), email: email(i), role: "ADMIN" as const })),
    groups: idx.map((i) => ({ ...at(), organisation: org(i), name: "All", isDefault: true })),
    groupMembers: idx.map((i) => ({ ...at(), organisation: org(i), group: "All", email: email(i) })),
    organisationPermissions: idx.map((i) => ({
      ...at(),
      organisation: org(i),
      email: email(i),
      permissions: ["CREATE_PROJECT"],
    })),
    // Low-iteration hashing is not configurable here; keep keys to a fixed count so the test stays fast.
    masterApiKeys: idx.slice(0, 2).map((i) => ({ ...at(), organisation: org(i), name: "k", isAdmin: true, key: null })),
    projects: idx.map((i) => ({ ...at(), organisation: org(i), name: "P", settings: {} })),
    projectPermissions: idx.map((i) => ({
      ...at(),
      project: { organisation: org(i), name: "P" },
      email: email(i),
      permissions: ["VIEW_PROJECT"],
      admin: true,
    })),
  });
}

for (const schema of availableSchemas()) {
  describe(`organisation-side rules on ${schema}`, () => {
    let db: TestDatabase;
    // One database per schema (each test uses its own names): creating databases is the slow part.
    beforeAll(async () => {
      db = await createTestDatabase(schema);
    }, 60_000);
    afterAll(() => db?.drop(), 60_000);

    test("statement count does not grow with the number of entities", async () => {
      const small = await provision(db.url, scaled(2, "a"));
      const large = await provision(db.url, scaled(25, "b"));
      expect(large.plan.actions.filter((a) => a.op === "create").length).toBeGreaterThan(small.plan.actions.length * 5);
      expect(large.statements).toEqual(small.statements);
      const [{ n }] =
        (await db.sql`select count(*)::int as n from organisations_organisation where name like 'Org %'`) as any;
      expect(n).toBe(27);
      // The deferred UPDATE gave every plain-password user its own hash, and only them.
      const hashed = await db.sql`
        select email, password from users_ffadminuser where email like 'u%-b@example.com' and password like 'pbkdf2_sha256$%' order by email`;
      expect(hashed.map((r) => r.email)).toEqual(["u0-b@example.com", "u10-b@example.com", "u20-b@example.com"]);
      expect(await verifyPassword("pw-10", hashed[1]!.password)).toBe(true);
    });

    test("an organisation name held by several live organisations is an error naming their ids", async () => {
      const ids = (
        await db.sql`
        insert into organisations_organisation (name, uuid, has_requested_features, created_date, alerted_over_plan_limit, stop_serving_flags,
          restrict_project_create_to_admin, persist_trait_data, block_access_to_admin, feature_analytics, force_2fa)
        select 'Twin', gen_random_uuid(), false, now(), false, false, false, true, false, false, false from generate_series(1, 2)
        returning id`
      ).map((r) => r.id);
      const error = await provision(
        db.url,
        desiredWith({ organisations: [{ ...at(), name: "Twin", subscription: null }] }),
      ).catch((e) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).issues[0]!.rule).toBe("ambiguous-existing");
      expect(error.message).toContain(`ids ${ids.join(", ")}`);
      expect(error.message).toContain("org.yaml:");
    });

    test("a soft-deleted organisation does not count: it is created again", async () => {
      await provision(db.url, desiredWith({ organisations: [{ ...at(), name: "Gone", subscription: null }] }));
      await db.sql`update organisations_organisation set deleted_at = now() where name = 'Gone'`;
      const again = await provision(
        db.url,
        desiredWith({ organisations: [{ ...at(), name: "Gone", subscription: null }] }),
      );
      expect(again.plan.actions.map((a) => a.op)).toEqual(["create"]);
    });

    test("a project name held twice in one organisation is ambiguous; a name in two organisations binds by organisation", async () => {
      await provision(
        db.url,
        desiredWith({
          organisations: [
            { ...at(), name: "A", subscription: null },
            { ...at(), name: "B", subscription: null },
          ],
          projects: [
            { ...at(), organisation: "A", name: "Shared", settings: {} },
            { ...at(), organisation: "B", name: "Shared", settings: {} },
          ],
        }),
      );
      const env = {
        ...at(),
        project: { organisation: null, name: "Shared" },
        name: "E",
        description: null,
        showKey: false,
        settings: {},
      };
      const unbound = await provision(db.url, desiredWith({ environments: [env] })).catch((e) => e);
      expect((unbound as UserError).issues[0]!.rule).toBe("ambiguous-project");
      // A second live "Shared" in A: made in C, then moved (no hand-written row to drift from the schema).
      await provision(
        db.url,
        desiredWith({
          organisations: [{ ...at(), name: "C", subscription: null }],
          projects: [{ ...at(), organisation: "C", name: "Shared", settings: {} }],
        }),
      );
      await db.sql`update projects_project set organisation_id = (select id from organisations_organisation where name = 'A')
        where organisation_id = (select id from organisations_organisation where name = 'C')`;
      const twice = await provision(
        db.url,
        desiredWith({
          projects: [{ ...at(), organisation: "A", name: "Shared", settings: {} }],
          organisations: [{ ...at(), name: "A", subscription: null }],
        }),
      ).catch((e) => e);
      expect(twice).toBeInstanceOf(UserError);
      expect((twice as UserError).issues.map((i) => i.rule)).toEqual(["ambiguous-existing"]);
    });

    test("a caller-chosen master key whose prefix is taken is a clear error, and nothing is written", async () => {
      const key = "zzzzzzzz.ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
      const org = { ...at(), name: "K", subscription: null };
      await provision(
        db.url,
        desiredWith({
          organisations: [org],
          masterApiKeys: [{ ...at(), organisation: "K", name: "one", isAdmin: true, key }],
        }),
      );
      const error = await provision(
        db.url,
        desiredWith({
          organisations: [org],
          masterApiKeys: [
            {
              ...at(),
              organisation: "K",
              name: "two",
              isAdmin: true,
              key: "zzzzzzzz.0000000000000000000000000000000X",
            },
          ],
        }),
      ).catch((e) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).issues[0]!.rule).toBe("master-api-key-prefix-taken");
      expect(error.message).toContain(`prefix "zzzzzzzz"`);
      const [{ n }] =
        (await db.sql`select count(*)::int as n from api_keys_masterapikey where prefix = 'zzzzzzzz' or name = 'two'`) as any;
      expect(n).toBe(1);
    });

    test("a database refusal names the entity and its position", async () => {
      // Values too long are refused before any write now (compat.ts), so the database refuses through a constraint
      // of its own that no check before the write knows about.
      const refused = "refused by the database";
      await db.sql.unsafe(
        `alter table api_keys_masterapikey add constraint fsp_test_refuse check (name <> '${refused}') not valid`,
      );
      const error = await provision(
        db.url,
        desiredWith({
          organisations: [{ ...at(), name: "L", subscription: null }],
          masterApiKeys: [
            {
              source: { file: "keys.yaml", line: 7, column: 5 },
              organisation: "L",
              name: refused,
              isAdmin: true,
              key: null,
            },
          ],
        }),
      ).catch((e) => e);
      await db.sql`alter table api_keys_masterapikey drop constraint fsp_test_refuse`;
      expect(error).toBeInstanceOf(ApplyError);
      expect(error.message).toStartWith(
        `creating master API key "${refused}" (keys.yaml:7:5): new row for relation "api_keys_masterapikey" violates check constraint`,
      );
      expect((error as ApplyError).details.code).toBe("23514");
    });

    test("an unknown permission key is refused before anything is written, at its position", async () => {
      // provisionInTransaction runs this check on the database's own keys before reading or writing.
      const compat = await withDatabase(db.url, (sql) => checkCompatibility(sql));
      const permission = {
        source: { file: "perms.yaml", line: 4, column: 7 },
        organisation: "P",
        email: "p@example.com",
        permissions: ["VIEW_PROJECT"],
      };
      const error = (() => {
        try {
          refuseUnfitInput(desiredWith({ organisationPermissions: [permission] }), compat);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).issues).toMatchObject([
        {
          rule: "unknown-permission-key",
          position: permission.source,
          message: expect.stringContaining('"VIEW_PROJECT" is not an organisation permission key'),
        },
      ]);
    });

    test("superuser without password and without DJANGO_SECRET_KEY gets instructions, not a link", async () => {
      const run = await provision(
        db.url,
        desiredWith({
          users: [
            {
              ...at(),
              email: "root@example.com",
              isSuperuser: true,
              firstName: "",
              lastName: "",
              username: null,
              password: { kind: "unusable" },
            },
          ],
        }),
      );
      const [secret] = run.outcomes[0]!.secrets;
      expect(secret!.kind).toBe("resetInstructions");
      expect((secret as { text: string }).text).toContain("python manage.py changepassword root@example.com");
      expect((secret as { text: string }).text).not.toContain("http");
    });
  });
}
