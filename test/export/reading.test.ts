/**
 * What export reads from a database (src/flagsmith/export), on a real one: filters, secrets, soft-deleted and
 * revoked rows, what Flagsmith serves as live (scheduled changes and unpublished versions are not), notes for what
 * the format cannot hold, the defaults an entity created without settings exports as, and --output-dir.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { exportCommand } from "../../src/commands/export.ts";
import { UserError } from "../../src/errors.ts";
import { loadDesired } from "../../src/input/index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { applyTo, capturingIo, exportOf } from "../helpers/export.ts";
import { schemaAccepts } from "../helpers/json-schema.ts";
import { SCHEMA } from "../helpers/run.ts";

const HASH = "pbkdf2_sha256$1000000$export$Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=";
const BASE = `version: "1.0"
users:
  - { email: admin@acme.example, is_superuser: true, password_hash: "${HASH}" }
  - { email: dev@acme.example, first_name: Dana }
  - { email: loner@example.com }
organisations:
  - name: Acme
    members: [{ email: admin@acme.example, role: ADMIN }, { email: dev@acme.example, role: USER }]
  - name: Other
    members: [{ email: dev@acme.example }]
master_api_keys:
  - { name: CI, organisation: Acme }
  - { name: Old, organisation: Acme }
projects:
  - name: Web
    organisation: Acme
    environments: [{ name: Dev }, { name: Prod }, { name: Canary, use_v2_feature_versioning: true }]
    segments:
      - { name: beta, rules: [{ type: ALL, conditions: [{ property: beta, operator: EQUAL, value: "true" }] }] }
      - { name: gone, rules: [{ type: ALL, conditions: [{ property: x, operator: IS_SET }] }] }
    features:
      - { name: flag_a }
      - { name: flag_b, default_enabled: true }
      - { name: flag_gone }
  - { name: Mobile, organisation: Acme, environments: [{ name: Gone }] }
  - { name: Third, organisation: Other }
`;

let db: TestDatabase;
let applied: string[];
const scratch = mkdtempSync(join(tmpdir(), "fsp-export-reading-"));

beforeAll(async () => {
  db = await createTestDatabase(SCHEMA);
  writeFileSync(join(scratch, "base.yaml"), BASE);
  applied = await applyTo(db.url, { files: [join(scratch, "base.yaml")] });
}, 60_000);
afterAll(async () => {
  await db.drop();
  rmSync(scratch, { recursive: true, force: true });
});

/** The export as parsed YAML, checked against the JSON Schema of the format on the way. */
async function exported(options: Parameters<typeof exportOf>[1] = {}) {
  const text = await exportOf(db.url, options);
  const document = parse(text) as Record<string, any>;
  expect(schemaAccepts(document)).toBe(true);
  return { text, document };
}
const names = (list: Array<{ name: string }> | undefined) => (list ?? []).map((x) => x.name);

describe("filters", () => {
  test("--organisation: that organisation with all its projects; only the users its content names", async () => {
    const { document } = await exported({ organisations: ["Other"] });
    expect(names(document.organisations)).toEqual(["Other"]);
    expect(names(document.projects)).toEqual(["Third"]);
    expect(document.users.map((u: { email: string }) => u.email)).toEqual(["dev@acme.example"]);
    expect(document.master_api_keys).toBeUndefined();
  });

  test("--project: that project, with its organisation's own content but none of its other projects", async () => {
    const { document } = await exported({ projects: ["Mobile"] });
    expect(names(document.organisations)).toEqual(["Acme"]);
    expect(document.organisations[0].members).toHaveLength(2);
    expect(names(document.projects)).toEqual(["Mobile"]);
  });

  test("no filter: everything, users of no organisation too", async () => {
    const { document } = await exported();
    expect(names(document.organisations)).toEqual(["Acme", "Other"]);
    expect(names(document.projects)).toEqual(["Mobile", "Web", "Third"]);
    expect(document.users.map((u: { email: string }) => u.email)).toContain("loner@example.com");
  });

  test("a name that matches nothing is an error (exit 2) with did-you-mean, before anything is written", async () => {
    const io = capturingIo();
    const run = exportCommand({ organisations: ["acme"], projects: ["Web"], include: [], databaseUrl: db.url }, io);
    const error = (await run.catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.exitCode).toBe(2);
    expect(error.issues.map((i) => i.message)).toEqual([
      'there is no organisation "acme" in the database; did you mean "Acme"?',
      'there is no project "Web" in organisation "acme" in the database',
    ]);
    expect(io.lines).toEqual([]);
  });
});

describe("secrets", () => {
  test("master API keys by name only; no environment key; password hashes only with --include password-hashes", async () => {
    const generated = applied.find((l) => l.startsWith('Created master API key "CI"'))!.split(": ")[1]!;
    const keys = await db.sql<{ api_key: string }[]>`select api_key from environments_environment`;
    const withHashes = await exported();
    const without = await exported({ include: ["users", "identities", "overrides"] });
    for (const { text } of [withHashes, without]) {
      expect(text).not.toContain(generated);
      expect(text).not.toContain(generated.split(".")[0]!);
      for (const { api_key } of keys) expect(text).not.toContain(api_key);
    }
    expect(withHashes.document.master_api_keys).toEqual([
      { name: "CI", organisation: "Acme" },
      { name: "Old", organisation: "Acme" },
    ]);
    expect(withHashes.text).toContain(HASH);
    expect(without.text).not.toContain("password_hash");
    // dev@ and loner@ have unusable passwords: no password field, even with hashes included.
    expect(withHashes.text.match(/password_hash/g)).toHaveLength(1);
  });
});

describe("what is not exported", () => {
  beforeAll(async () => {
    await db.sql`update features_feature set deleted_at = now() where name = 'flag_gone'`;
    await db.sql`update segments_segment set deleted_at = now() where name = 'gone'`;
    await db.sql`update environments_environment set deleted_at = now() where name = 'Gone'`;
    await db.sql`update api_keys_masterapikey set revoked = true where name = 'Old'`;
  });

  test("soft-deleted rows are not read; a revoked master API key is left out with a note", async () => {
    const { text, document } = await exported();
    expect(text).not.toContain("flag_gone");
    expect(text).not.toMatch(/name: gone/);
    expect(text).not.toContain("name: Gone");
    expect(document.master_api_keys).toEqual([{ name: "CI", organisation: "Acme" }]);
    expect(text).toContain('#   - revoked or expired master API keys (left out): 1 ("Old")');
  });
});

describe("what Flagsmith serves is what is exported", () => {
  const stateOf = async (environment: string, feature: string) => {
    const { document } = await exported();
    const web = document.projects.find((p: { name: string }) => p.name === "Web");
    return web.features.find((f: { name: string }) => f.name === feature).environments?.[environment];
  };

  test("v1: a newer version already live replaces the state; a scheduled one does not (and is noted)", async () => {
    const [live] = await db.sql<{ id: number; feature_id: number; environment_id: number }[]>`
      select fs.id, fs.feature_id, fs.environment_id from features_featurestate fs
      join features_feature f on f.id = fs.feature_id join environments_environment e on e.id = fs.environment_id
      where f.name = 'flag_a' and e.name = 'Dev' and fs.identity_id is null and fs.feature_segment_id is null`;
    // Flagsmith serves the latest live_from, then the highest version: the original state went live when it was applied.
    const insert = (version: number, liveFrom: string, enabled: boolean) => db.sql`
      with s as (
        insert into features_featurestate (uuid, feature_id, environment_id, enabled, created_at, updated_at, live_from, version)
        values (gen_random_uuid(), ${live!.feature_id}, ${live!.environment_id}, ${enabled}, now(), now(), now() + ${liveFrom}::interval, ${version})
        returning id)
      insert into features_featurestatevalue (uuid, feature_state_id, type) select gen_random_uuid(), id, 'unicode' from s`;
    await insert(3, "1 day", false);
    await insert(2, "0 seconds", true);
    expect(await stateOf("Dev", "flag_a")).toEqual({ enabled: true });
    const { text } = await exported();
    expect(text).toContain("#   - scheduled changes (the live state is exported): 1");
  });

  test("v2: an unpublished version is not the live one (and is noted)", async () => {
    await db.sql`
      with f as (select id from features_feature where name = 'flag_b'),
      e as (select id from environments_environment where name = 'Canary'),
      v as (
        insert into feature_versioning_environmentfeatureversion (uuid, environment_id, feature_id, created_at, updated_at)
        select gen_random_uuid(), e.id, f.id, now(), now() from e, f returning uuid, environment_id, feature_id),
      s as (
        insert into features_featurestate (uuid, feature_id, environment_id, enabled, created_at, updated_at, environment_feature_version_id)
        select gen_random_uuid(), feature_id, environment_id, false, now(), now(), uuid from v returning id)
      insert into features_featurestatevalue (uuid, feature_state_id, type) select gen_random_uuid(), id, 'unicode' from s`;
    expect(await stateOf("Canary", "flag_b")).toBeUndefined();
    const { text } = await exported();
    expect(text).toContain("#   - unpublished or scheduled feature versions (the live version is exported): 1");
  });
});

test("an entity created without settings exports none (the defaults export assumes are the ones apply writes)", async () => {
  const { document } = await exported({ projects: ["Third"] });
  expect(document.projects).toEqual([{ name: "Third", organisation: "Other" }]);
  const web = (await exported({ projects: ["Web"] })).document.projects[0];
  expect(web.environments.find((e: { name: string }) => e.name === "Dev")).toEqual({ name: "Dev" });
  expect(web.environments.find((e: { name: string }) => e.name === "Canary")).toEqual({
    name: "Canary",
    use_v2_feature_versioning: true,
  });
});

test("--output-dir: one file per organisation and project, the same content as the single document", async () => {
  const dir = join(scratch, "out");
  const io = capturingIo({}, scratch);
  await exportCommand(
    { organisations: [], projects: [], include: ["users"], outputDir: "out", databaseUrl: db.url },
    io,
  );
  expect(readdirSync(dir).sort()).toEqual([
    "_instance.yaml",
    "acme--mobile.yaml",
    "acme--web.yaml",
    "acme.yaml",
    "other--third.yaml",
    "other.yaml",
  ]);
  const read = (files: string[]) =>
    loadDesired(
      files.map((name) => ({ name, text: readFileSync(name, "utf8") })),
      {},
    ).desired;
  const single = join(scratch, "single.yaml");
  writeFileSync(single, await exportOf(db.url, { include: ["users"] }));
  const fromDir = read(readdirSync(dir).map((f) => join(dir, f)));
  const fromOne = read([single]);
  const strip = (entity: unknown) => JSON.stringify(entity, (k, v) => (k === "source" ? undefined : v));
  const sorted = (d: typeof fromDir) =>
    Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => strip(x)).sort() : v]));
  expect(sorted(fromDir)).toEqual(sorted(fromOne));
  expect(io.errors).toContain("Exported to out: 6 files.");

  writeFileSync(join(dir, "stray.yaml"), 'version: "1.0"\n');
  const again = capturingIo({}, scratch);
  await exportCommand({ organisations: [], projects: [], include: [], outputDir: "out", databaseUrl: db.url }, again);
  expect(again.errors).toContain(
    "warning: out/stray.yaml is not part of this export, but --directory out would read it too",
  );
});

describe.skipIf(SCHEMA !== "v2.265.0")("what the format cannot hold is noted in the header, never an error", () => {
  test("webhooks, server-side keys, integrations, the audit log, archived features, users not included", async () => {
    await db.sql`
      with e as (select id from environments_environment where name = 'Prod')
      insert into environments_webhook (url, environment_id, enabled, created_at, updated_at, secret, uuid)
      select 'https://hooks.example.com', id, true, now(), now(), '', gen_random_uuid() from e`;
    await db.sql`
      with e as (select id from environments_environment where name = 'Prod')
      insert into environments_environmentapikey (key, created_at, name, active, environment_id)
      select 'ser.abc', now(), 'server', true, id from e`;
    await db.sql`
      with e as (select id from environments_environment where name = 'Dev')
      insert into amplitude_amplitudeconfiguration (base_url, api_key, environment_id, uuid)
      select 'https://amplitude.example.com', 'k', id, gen_random_uuid() from e`;
    await db.sql`
      insert into audit_auditlog (created_date, log, project_id, is_system_event)
      select now(), 'something happened', id, false from projects_project where name = 'Web'`;
    await db.sql`update features_feature set is_archived = true where name = 'flag_b'`;
    const io = capturingIo();
    await exportCommand({ organisations: ["Acme"], projects: [], include: [], databaseUrl: db.url }, io);
    const text = io.lines.join("\n");
    for (const note of [
      "audit log entries: 1",
      "environment webhooks: 1",
      "server-side environment keys (create new ones): 1",
      "integrations (set them up again): 1 (Amplitude)",
      'archived features (created unarchived): 1 ("flag_b" in "Web")',
      "users the export names but does not declare (add --include users): 2",
    ])
      expect(text).toContain(`#   - ${note}\n`);
    expect(io.errors.at(-1)).toMatch(/^note: /);
  });
});
