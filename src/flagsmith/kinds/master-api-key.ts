/** Organisation master API keys: `api_keys_masterapikey` (WRITES.md §1.10, §5). */
import { UserError, type Issue } from "../../errors.ts";
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import { IN_DATABASE, masterApiKeyKey, organisationKey, type DesiredMasterApiKey } from "../../kinds/index.ts";
import { insertBatch, recordset } from "../sql/batch.ts";
import type { KindModule, Sql, WriteContext } from "../context.ts";
import type { PendingMasterApiKey } from "../hashes.ts";
import { idFor } from "../sql/lookups.ts";
import { guardWrite } from "../sql/write-error.ts";

export const masterApiKeys: KindModule<"masterApiKey"> = {
  async read(sql, desired, existing) {
    const ids = new Map<string, number | string>();
    const revoked = new Set<string>();
    const probes = desired.masterApiKeys.flatMap((k) => {
      const o = existing.ids.organisation.get(organisationKey(k.organisation));
      return o !== undefined ? [{ key: masterApiKeyKey(k.organisation, k.name), o, name: k.name }] : [];
    });
    if (probes.length === 0) return { ids, revokedMasterApiKeys: revoked };
    // A live key (one Flagsmith would still authenticate: not revoked, not soft-deleted, §5) with the
    // name means "exists"; names are not unique, but nothing hangs off a key, so any live one will do.
    // Failing that, a revoked or deleted one means "revoked": someone withdrew that key on purpose, so it
    // is not created again (a generated key would be re-minted on every run, a fixed one hit its prefix).
    const rows = await sql<{ key: string; id: string; revoked: boolean; is_admin: boolean }[]>`
      select distinct on (k.key) k.key, m.id, (m.revoked or m.deleted_at is not null) as revoked, m.is_admin
      from ${recordset(sql, probes)} as k(key text, o int, name text)
      join public.api_keys_masterapikey m on m.organisation_id = k.o and m.name = k.name
      order by k.key, (m.revoked or m.deleted_at is not null), m.created`;
    const declared = new Map(desired.masterApiKeys.map((k) => [masterApiKeyKey(k.organisation, k.name), k]));
    // What drift compares: is_admin; the stored key stands in as null (a secret, never read back).
    const stored = new Map<string, DesiredMasterApiKey>();
    for (const r of rows) {
      if (r.revoked) revoked.add(r.key);
      else {
        ids.set(r.key, r.id);
        stored.set(r.key, { ...declared.get(r.key)!, isAdmin: r.is_admin, key: null, source: IN_DATABASE });
      }
    }
    return { ids, revokedMasterApiKeys: revoked, stored };
  },

  async create(ctx, actions) {
    const pending = actions.map((a) => ctx.hashes.masterApiKey(a));
    await checkPrefixes(
      ctx.sql,
      actions,
      pending.map((p) => p.key),
    );
    // Nothing references a key, so its row waits for its hash (begun when applying started) at the
    // end of the run, while the other kinds are written. The key itself is known now, for the report.
    ctx.deferredWrites.push(() => insertKeys(ctx, actions, pending));
    const secrets = new Map<ActionOf<"masterApiKey">, Secret[]>();
    // Only a generated key is a secret to show; one the files supplied (`key:`) is not echoed (issue 8).
    actions.forEach((a, i) =>
      secrets.set(a, a.entity.key === null ? [{ kind: "masterApiKey", key: pending[i]!.key }] : []),
    );
    return secrets;
  },
};

/** Inserts the keys once their hashes are ready: one statement for all of them. */
async function insertKeys(
  ctx: WriteContext,
  actions: ActionOf<"masterApiKey">[],
  pending: PendingMasterApiKey[],
): Promise<void> {
  const hashed = await Promise.all(pending.map((p) => p.stored));
  const rows = actions.map((a, i) => ({
    id: hashed[i]!.id,
    prefix: hashed[i]!.prefix,
    hashed_key: hashed[i]!.hashedKey,
    name: a.entity.name,
    organisation_id: idFor(ctx.ids.organisation, organisationKey(a.entity.organisation), a.entity),
    is_admin: a.entity.isAdmin ?? true,
  }));
  const batch = actions.map((a) => ({ label: `"${a.entity.name}"`, source: a.entity.source }));
  await guardWrite("master API key", batch, () =>
    // created_by_id (absent before v2.2xx) and expiry_date stay NULL, as from the ORM.
    insertBatch(
      ctx.sql,
      {
        table: "api_keys_masterapikey",
        columns: {
          id: "text",
          prefix: "text",
          hashed_key: "text",
          name: "text",
          organisation_id: "int",
          is_admin: "boolean",
        },
        computed: { created: "now()", revoked: "false" },
      },
      rows,
    ),
  );
  actions.forEach((a, i) => ctx.ids.masterApiKey.set(a.key, rows[i]!.id));
}

/**
 * `prefix` is UNIQUE across every key ever stored (revoked and deleted ones too): a caller-chosen key must not reuse
 * one.
 */
async function checkPrefixes(sql: Sql, actions: ActionOf<"masterApiKey">[], keys: string[]) {
  const prefixes = keys.map((k) => k.split(".")[0]!);
  const taken = await sql<{ prefix: string }[]>`
    select prefix from public.api_keys_masterapikey where prefix = any(${prefixes}::text[])`;
  const used = new Set(taken.map((r) => r.prefix));
  const issues: Issue[] = [];
  actions.forEach((a, i) => {
    const prefix = prefixes[i]!;
    const twin = prefixes.findIndex((p, j) => j < i && p === prefix);
    if (!used.has(prefix) && twin < 0) return;
    const chosen = a.entity.key !== null;
    issues.push({
      rule: "master-api-key-prefix-taken",
      message:
        `master API key "${a.entity.name}": the key's prefix "${prefix}" (the part before the dot) ` +
        (twin >= 0
          ? `is also used by master API key "${actions[twin]!.entity.name}" in these files`
          : `is already used by another master API key in the database`) +
        `; Flagsmith looks keys up by prefix, so it must be unique`,
      position: a.entity.source,
      hint: chosen
        ? "choose a key with another 8-character prefix, or leave out key: to have one generated"
        : "run again (a generated prefix collided)",
    });
  });
  if (issues.length) throw new UserError(issues);
}
