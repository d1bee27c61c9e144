import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { applySiteDomain } from "../../src/flagsmith/site.ts";
import type { RunSettings } from "../../src/flagsmith/context.ts";
import { availableSchemas, createTestDatabase, noticeMissingDumps, type TestDatabase } from "../helpers/database.ts";
import { at, desiredWith, provision } from "../helpers/org.ts";

noticeMissingDumps("org-site");

const plain: RunSettings = { djangoSecretKey: null, flagsmithDomain: null };
const domain = (value: string) => ({ value, ...at() });

for (const schema of availableSchemas()) {
  describe(`site domain on ${schema}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase(schema);
    }, 60_000);
    afterAll(() => db?.drop(), 60_000);

    /** Runs applySiteDomain in a transaction that is rolled back, so each test starts from example.com. */
    async function trial(fn: (sql: postgres.TransactionSql) => Promise<void>) {
      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      await sql
        .begin(async (tx) => {
          await fn(tx);
          throw new Error("rollback");
        })
        .catch((e) => {
          if (e.message !== "rollback") throw e;
        });
      await sql.end();
    }

    test("replaces Django's placeholder, domain and name, and links use it", () =>
      trial(async (tx) => {
        const result = await applySiteDomain(tx, domain("flags.acme.io"), plain);
        expect(result).toEqual({ domain: "flags.acme.io", warnings: [] });
        expect([...(await tx`select id, domain, name from django_site order by id`)]).toEqual([
          { id: 1, domain: "flags.acme.io", name: "flags.acme.io" },
        ]);
      }));

    test("a name longer than django_site.name keeps the full domain", () =>
      trial(async (tx) => {
        const long = "a".repeat(60) + ".example.org";
        await applySiteDomain(tx, domain(long), plain);
        const [row] = await tx`select domain, name from django_site where id = 1`;
        expect([row!.domain, row!.name]).toEqual([long, long.slice(0, 50)]);
      }));

    test("an already configured site is kept, with the exact warning; the same value is silent", () =>
      trial(async (tx) => {
        await tx`update django_site set domain = 'flags.acme.io', name = 'Acme' where id = 1`;
        const other = await applySiteDomain(tx, domain("localhost:8000"), plain);
        expect(other).toEqual({
          domain: "flags.acme.io",
          warnings: ['app_domain "localhost:8000" not applied: the site domain is already "flags.acme.io"'],
        });
        expect(await applySiteDomain(tx, domain("flags.acme.io"), plain)).toEqual({
          domain: "flags.acme.io",
          warnings: [],
        });
        const [row] = await tx`select domain, name from django_site where id = 1`;
        expect([row!.domain, row!.name]).toEqual(["flags.acme.io", "Acme"]);
      }));

    test("FLAGSMITH_DOMAIN wins over app_domain, for the site row and for links", () =>
      trial(async (tx) => {
        const result = await applySiteDomain(tx, domain("flags.acme.io"), { ...plain, flagsmithDomain: "cdn.acme.io" });
        expect(result).toEqual({ domain: "cdn.acme.io", warnings: [] });
        const [row] = await tx`select domain, name from django_site where id = 1`;
        expect([row!.domain, row!.name]).toEqual(["cdn.acme.io", "cdn.acme.io"]);
        expect(await applySiteDomain(tx, null, { ...plain, flagsmithDomain: "cdn.acme.io" })).toEqual({
          domain: "cdn.acme.io",
          warnings: [],
        });
      }));

    test("no app_domain: nothing is written and the current domain is reported", () =>
      trial(async (tx) => {
        expect(await applySiteDomain(tx, null, plain)).toEqual({ domain: "example.com", warnings: [] });
        const [row] = await tx`select domain from django_site where id = 1`;
        expect(row!.domain).toBe("example.com");
      }));

    test("a missing row 1 is inserted with id 1 and the sequence moves past it", () =>
      trial(async (tx) => {
        await tx`delete from django_site`;
        // As on a database whose sites migration never ran: the next generated id would be 1.
        await tx`select setval(pg_get_serial_sequence('django_site', 'id'), 1, false)`;
        expect(await applySiteDomain(tx, domain("localhost:8000"), plain)).toEqual({
          domain: "localhost:8000",
          warnings: [],
        });
        const [added] =
          await tx`insert into django_site (domain, name) values ('second.example', 'second') returning id`;
        expect(added!.id).toBeGreaterThan(1);
        expect([...(await tx`select id, domain from django_site order by id`)].map((r) => r.domain)).toEqual([
          "localhost:8000",
          "second.example",
        ]);
      }));

    test("the reset link is built on the applied domain, http for localhost", async () => {
      const run = await provision(
        db.url,
        desiredWith({
          appDomain: domain("localhost:8000"),
          users: [
            {
              ...at(),
              email: "admin@example.com",
              isSuperuser: true,
              firstName: "",
              lastName: "",
              username: null,
              password: { kind: "unusable" },
            },
          ],
        }),
        { djangoSecretKey: "k", flagsmithDomain: null },
      );
      expect(run.warnings).toEqual([]);
      const [secret] = run.outcomes[0]!.secrets;
      expect((secret as { url: string }).url).toMatch(
        /^http:\/\/localhost:8000\/password-reset\/confirm\/[A-Za-z0-9_-]+\/[0-9a-z]+-[0-9a-f]{32}$/,
      );
    });
  });
}
