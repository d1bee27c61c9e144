/**
 * Master API keys revoked or soft-deleted in the dashboard (issue 8 item 8), on real PostgreSQL:
 * they stay revoked. The run skips them with a warning, writes nothing, mints no new key; a live key
 * with the name is the usual "already exists"; a fixed key's prefix taken by another name stays an error.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { UserError } from "../../src/errors.ts";
import type { DesiredMasterApiKey } from "../../src/kinds/index.ts";
import {
  availableSchemas,
  checksumAllTables,
  createTestDatabase,
  noticeMissingDumps,
  type TestDatabase,
} from "../helpers/database.ts";
import { at, desiredWith, provision } from "../helpers/org.ts";

noticeMissingDumps("api-keys-revoked");

const FIXED = "fixedkey.0123456789abcdefghijklmnopqrstuv";
const DELETED = "deletedk.0123456789abcdefghijklmnopqrstuv";

const org = (name: string) => ({ ...at(), name, subscription: null });
const key = (organisation: string, name: string, fixed: string | null = null): DesiredMasterApiKey => ({
  ...at(),
  organisation,
  name,
  isAdmin: true,
  key: fixed,
});
const keysIn = (organisation: string, ...keys: DesiredMasterApiKey[]) =>
  desiredWith({ organisations: [org(organisation)], masterApiKeys: keys });
const declared = () =>
  keysIn("Acme", key("Acme", "Fixed", FIXED), key("Acme", "Generated"), key("Acme", "Deleted", DELETED));

for (const schema of availableSchemas()) {
  describe(`revoked master API keys on ${schema}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase(schema);
      const first = await provision(db.url, declared());
      expect(first.plan.actions.map((a) => `${a.kind}:${a.op}`)).toEqual([
        "organisation:create",
        ...Array(3).fill("masterApiKey:create"),
      ]);
      // As the dashboard does: revoke sets `revoked`, delete sets `deleted_at` (soft delete).
      await db.sql`update api_keys_masterapikey set revoked = true where name in ('Fixed', 'Generated')`;
      await db.sql`update api_keys_masterapikey set deleted_at = now() where name = 'Deleted'`;
    }, 60_000);
    afterAll(async () => {
      await db?.drop();
    });

    test("a revoked or deleted key, fixed or generated, is skipped with a warning; nothing is written", async () => {
      const before = await checksumAllTables(db.sql);
      const again = await provision(db.url, declared());
      expect(again.plan.actions.map((a) => [a.kind, a.op, a.reason ?? null])).toEqual([
        ["organisation", "skip", null],
        ["masterApiKey", "skip", "revoked"],
        ["masterApiKey", "skip", "revoked"],
        ["masterApiKey", "skip", "revoked"],
      ]);
      expect(again.outcomes.every((o) => o.secrets.length === 0)).toBe(true);
      expect(again.warnings).toHaveLength(3);
      expect(again.warnings[0]).toMatch(
        /^org\.yaml:\d+:3: master API key "Fixed" in organisation "Acme" was revoked or deleted in Flagsmith, so it is not created again\. To issue a replacement, give it a new name and a new key:/,
      );
      expect(again.warnings[1]).toContain('master API key "Generated" in organisation "Acme"');
      expect(again.warnings[2]).toContain('master API key "Deleted" in organisation "Acme"');
      expect(again.warnings.join("\n")).not.toContain(FIXED.slice(0, 8));
      expect(again.warnings.join("\n")).not.toContain(DELETED.slice(0, 8));
      expect(await checksumAllTables(db.sql)).toBe(before);
    });

    test("a live key with the name wins over revoked ones: the usual skip, no warning", async () => {
      // A second row named "Generated", live: as if the operator created one by that name in the dashboard.
      await db.sql`
        insert into api_keys_masterapikey (id, prefix, hashed_key, created, name, revoked, organisation_id, is_admin)
        select 'livelive.' || hashed_key, 'livelive', hashed_key, now(), name, false, organisation_id, is_admin
        from api_keys_masterapikey where name = 'Generated'`;
      const run = await provision(db.url, keysIn("Acme", key("Acme", "Generated")));
      expect(run.plan.actions.map((a) => [a.op, a.reason ?? null])).toEqual([
        ["skip", null],
        ["skip", null],
      ]);
      expect(run.warnings).toEqual([]);
    });

    test("renamed, a generated key is created again: the way to rotate", async () => {
      const run = await provision(db.url, keysIn("Acme", key("Acme", "Generated 2")));
      expect(run.plan.actions.map((a) => a.op)).toEqual(["skip", "create"]);
      expect(run.outcomes[1]!.secrets).toEqual([
        { kind: "masterApiKey", key: expect.stringMatching(/^[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}$/) },
      ]);
      const [{ n }] =
        (await db.sql`select count(*)::int as n from api_keys_masterapikey where name = 'Generated 2' and not revoked`) as any;
      expect(n).toBe(1);
    });

    test("a revoked name in another organisation does not count there", async () => {
      const run = await provision(db.url, keysIn("Other", key("Other", "Fixed")));
      expect(run.plan.actions.map((a) => [a.op, a.reason ?? null])).toEqual([
        ["create", null],
        ["create", null],
      ]);
      expect(run.warnings).toEqual([]);
    });

    test("a fixed key whose prefix a revoked key of another name holds stays an error, and nothing is written", async () => {
      const before = await checksumAllTables(db.sql);
      const renamedOnly = keysIn("Acme", key("Acme", "Fixed again", FIXED));
      const error = await provision(db.url, renamedOnly).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).issues.map((i) => i.rule)).toEqual(["master-api-key-prefix-taken"]);
      expect((error as UserError).message).toContain('master API key "Fixed again": the key\'s prefix "fixedkey"');
      expect(await checksumAllTables(db.sql)).toBe(before);
    });
  });
}
