/**
 * Issue 8 item 9: no committed secret can be lost. Secrets reach stdout (and --secrets-file, fsynced) before
 * COMMIT, so a SIGKILL at any moment leaves either nothing committed or every committed secret already out.
 */
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checksumAllTables, createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { ensureBinary, run, tempDir } from "../helpers/binary.ts";
import { expectCleanFailure } from "../helpers/failure.ts";

setDefaultTimeout(180_000);

let binary: string;
let cwd: string;

const FILE = `version: "1.0"
users:
  - email: root@example.com
    is_superuser: true
organisations:
  - name: Acme
    members: [{ email: root@example.com, role: ADMIN }]
master_api_keys:
  - { name: CI, organisation: Acme }
projects:
  - name: Web
    organisation: Acme
    environments: [{ name: Development }, { name: Production }]
`;

beforeAll(() => {
  binary = ensureBinary();
  cwd = tempDir();
  writeFileSync(join(cwd, "secrets.yaml"), FILE);
});

const ENV = { DJANGO_SECRET_KEY: "test-secret" };
const ARGS = ["--file", "secrets.yaml", "--show-environment-keys"];

/** What the database says was committed: the secrets a reader must have been given. */
async function committedSecrets(
  db: TestDatabase,
): Promise<{ keyPrefixes: string[]; environmentKeys: string[]; users: number }> {
  const keys = await db.sql<{ prefix: string }[]>`select prefix from api_keys_masterapikey`;
  const environments = await db.sql<{ api_key: string }[]>`select api_key from environments_environment`;
  const [users] = await db.sql<{ n: number }[]>`select count(*)::int as n from users_ffadminuser`;
  return {
    keyPrefixes: keys.map((k) => k.prefix),
    environmentKeys: environments.map((e) => e.api_key),
    users: users!.n,
  };
}

describe("SIGKILL at any moment", () => {
  test("either nothing is committed, or every committed secret is already on stdout and in --secrets-file", async () => {
    const outcomes: string[] = [];
    for (const delay of [0, 40, 80, 120, 160, 200, 240, 280, 320, 400, 500, 700, 1000, 1500]) {
      const db = await createTestDatabase("fixture");
      try {
        const stdoutPath = join(cwd, `stdout-${delay}.txt`);
        const secretsPath = join(cwd, `secrets-${delay}.jsonl`);
        const proc = Bun.spawn([binary, ...ARGS, "--secrets-file", secretsPath], {
          cwd,
          env: { PATH: process.env.PATH ?? "", DATABASE_URL: db.url, ...ENV },
          stdout: Bun.file(stdoutPath),
          stderr: "ignore",
        });
        await Bun.sleep(delay);
        proc.kill("SIGKILL");
        await proc.exited;
        const stdout = existsSync(stdoutPath) ? readFileSync(stdoutPath, "utf8") : "";
        const written = existsSync(secretsPath) ? readFileSync(secretsPath, "utf8") : "";
        const committed = await committedSecrets(db);
        if (committed.users === 0) {
          expect(committed.keyPrefixes).toEqual([]);
          outcomes.push(`${delay}ms: nothing committed`);
          continue;
        }
        outcomes.push(`${delay}ms: committed`);
        for (const prefix of committed.keyPrefixes) {
          expect(stdout, `${delay}ms`).toMatch(
            new RegExp(`^Created master API key "CI": ${prefix}\\.[A-Za-z0-9]{32}$`, "m"),
          );
          expect(written, `${delay}ms`).toContain(`"key":"${prefix}.`);
        }
        for (const key of committed.environmentKeys) {
          expect(stdout, `${delay}ms`).toContain(`(API key: ${key}).`);
          expect(written, `${delay}ms`).toContain(`"key":"${key}"`);
        }
        expect(stdout, `${delay}ms`).toMatch(
          /^Please go to the following page and choose a password: https?:\/\/\S+\/password-reset\/confirm\//m,
        );
        expect(written, `${delay}ms`).toContain(`"kind":"resetLink"`);
      } finally {
        await db.drop();
      }
    }
    // The delays span the whole run: the earliest kill commits nothing, the latest comes after the commit.
    expect(outcomes[0]).toEndWith("nothing committed");
    expect(outcomes.at(-1)).toEndWith(": committed");
  });
});

describe("--secrets-file", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("fixture");
  });
  afterAll(async () => {
    await db?.drop();
  });

  test("is created 0600, holds every secret of the run as JSON lines, and is appended to, never truncated", () => {
    const path = join(cwd, "kept.jsonl");
    const dry = run([binary, ...ARGS, "--secrets-file", path, "--dry-run"], {
      cwd,
      env: { DATABASE_URL: db.url, ...ENV },
    });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(existsSync(path)).toBe(false); // a dry run has no secrets and creates nothing

    const first = run([binary, ...ARGS, "--secrets-file", path], { cwd, env: { DATABASE_URL: db.url, ...ENV } });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const lines = readFileSync(path, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.kind, l.for.kind])).toEqual([
      ["resetLink", "user"],
      ["masterApiKey", "masterApiKey"],
      ["environmentKey", "environment"],
      ["environmentKey", "environment"],
    ]);
    const key = lines[1].key as string;
    expect(first.stdout).toContain(`Created master API key "CI": ${key}\n`);
    expect(first.stdout.trimEnd().split("\n").at(-1)).toBe("Provisioning complete: 6 created, 0 skipped.");

    // A restart with nothing to create leaves the earlier secrets where they are.
    const again = run([binary, ...ARGS, "--secrets-file", path], { cwd, env: { DATABASE_URL: db.url, ...ENV } });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(readFileSync(path, "utf8").trimEnd().split("\n")).toHaveLength(4);
  });

  test("a path that cannot be written is an invalid option (exit 2) before anything is written", async () => {
    const before = await checksumAllTables(db.sql);
    const ran = run([binary, "--preset", "demo", "--secrets-file", join(cwd, "no-such-dir", "s.jsonl")], {
      cwd,
      env: { DATABASE_URL: db.url },
    });
    expectCleanFailure(ran, 2, {
      message: /--secrets-file ".*no-such-dir\/s\.jsonl" cannot be opened for writing \(ENOENT\)/,
    });
    expect(await checksumAllTables(db.sql)).toBe(before);
  });
});
