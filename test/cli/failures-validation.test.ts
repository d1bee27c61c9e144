import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { availableSchemas, checksumAllTables, createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { ensureBinary, run, tempDir, type Ran } from "../helpers/binary.ts";
import { expectCleanFailure } from "../helpers/failure.ts";

// Building the binary and creating databases take seconds on a busy machine; hooks included.
setDefaultTimeout(120_000);

/**
 * Issue 8, items 5, 6, 11 and the input parts of 15, through the compiled binary: input that would reach
 * PostgreSQL (or be stored wrongly) is refused before any write, with exit 2 and a position, by `validate`
 * (no database) and by `apply` (against a real Flagsmith schema, left unchanged).
 */
let binary: string;
let db: TestDatabase;
let cwd: string;

beforeAll(async () => {
  binary = ensureBinary();
  cwd = tempDir("fsp-validation-");
  // The newest real schema where the dumps are present; our fixture schema elsewhere.
  db = await createTestDatabase(availableSchemas().includes("v2.265.0") ? "v2.265.0" : "fixture");
});
afterAll(async () => {
  await db?.drop();
});

const cli = (args: string[], env: Record<string, string> = {}): Ran =>
  run([binary, ...args], { cwd, env: { DJANGO_SECRET_KEY: "test-secret", ...env } });

/**
 * Writes `content` to `name`, then runs `validate` (offline) and `apply` (connected): both must exit 2 with one
 * clean message matching `message` at a position in the file, and the database must be unchanged.
 */
async function expectRefused(
  name: string,
  content: string | Uint8Array,
  message: RegExp,
  env: Record<string, string> = {},
): Promise<Ran[]> {
  writeFileSync(join(cwd, name), content);
  const before = await checksumAllTables(db.sql);
  const runs = [cli(["validate", "--file", name], env), cli(["--file", name], { DATABASE_URL: db.url, ...env })];
  for (const ran of runs) {
    expectCleanFailure(ran, 2, { message });
    expect(ran.stderr).toMatch(new RegExp(`^${name.replace(/\./g, "\\.")}:\\d+:\\d+: error: `, "m"));
    expect(ran.stderr).toContain("hint: ");
    expect(ran.stdout).toBe("");
  }
  expect(await checksumAllTables(db.sql)).toBe(before);
  return runs;
}

describe("keys that valibot would skip are errors (item 6)", () => {
  test("__proto__ in a user does not make a superuser", async () => {
    const [validate] = await expectRefused(
      "proto.yaml",
      'version: "1.0"\nusers:\n  - email: a@b.co\n    __proto__: {is_superuser: true}\n',
      /unknown field "__proto__" in a user/,
    );
    expect(validate!.stderr).toContain("proto.yaml:4:5:");
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from users_ffadminuser`;
    expect(row!.n).toBe(0);
  });

  test("constructor and prototype, nested, with out-of-range values under them", async () => {
    const [validate] = await expectRefused(
      "constructor.yaml",
      'version: "1.0"\norganisations:\n  - name: Acme\n    subscription:\n      constructor: {seats: 3000000000}\n      prototype: 1\n',
      /unknown field "constructor" in a subscription/,
    );
    expect(validate!.stderr).toContain('constructor.yaml:6:7: error: unknown field "prototype" in a subscription');
  });

  test("a trait named __proto__", async () => {
    await expectRefused(
      "trait.yaml",
      'version: "1.0"\nprojects:\n  - name: Web\n    organisation: Acme\n    environments:\n      - name: Dev\n        identities:\n          - identifier: x\n            traits: {__proto__: 1}\n',
      /trait key "__proto__" is not supported/,
    );
  });
});

describe("input that would reach PostgreSQL is refused before any write (item 5)", () => {
  test("a NUL character", async () => {
    const [validate] = await expectRefused(
      "nul.yaml",
      'version: "1.0"\norganisations:\n  - name: "Acme\\0"\n',
      /"name" contains a NUL character/,
    );
    expect(validate!.stderr).toContain("nul.yaml:3:11:");
  });

  test("a lone surrogate", async () => {
    await expectRefused(
      "surrogate.yaml",
      'version: "1.0"\norganisations:\n  - name: "Acme \\ud800"\n',
      /surrogate\.yaml:3:11: error: "name" contains half of a UTF-16 surrogate pair/,
    );
  });

  test("seats beyond PostgreSQL's integer", async () => {
    await expectRefused(
      "seats.yaml",
      'version: "1.0"\norganisations:\n  - name: Acme\n    subscription: {seats: 3000000000}\n',
      /seats\.yaml:4:27: error: "seats" must be at most 2147483647, got 3000000000/,
    );
  });

  test("a file that is not UTF-8 (Latin-1), at its first bad byte", async () => {
    const bytes = Buffer.concat([
      Buffer.from('version: "1.0"\norganisations:\n  - name: Caf'),
      Buffer.from([0xe9]),
      Buffer.from("\n"),
    ]);
    await expectRefused(
      "latin1.yaml",
      bytes,
      /latin1\.yaml:3:14: error: the file is not valid UTF-8: byte 43 \(0xe9\)/,
    );
  });

  test("a $__file{} secret that is not UTF-8", async () => {
    writeFileSync(join(cwd, "secret-latin1"), Buffer.from([0x70, 0xe9, 0x0a]));
    await expectRefused(
      "secret-ref.yaml",
      'version: "1.0"\nusers:\n  - email: a@b.co\n    password: $__file{secret-latin1}\n',
      /secret-ref\.yaml:4:15: error: ".*secret-latin1" \(read for \$__file\{secret-latin1\}\) is not valid UTF-8/,
    );
  });

  test("app_domain that is not a host[:port]", async () => {
    await expectRefused(
      "domain.yaml",
      'version: "1.0"\napp_domain: https://x/\n',
      /domain\.yaml:2:13: error: "app_domain" must be a host or host:port/,
    );
  });

  test("FLAGSMITH_DOMAIN that is not a host[:port]: validate and apply say so, nothing is written", async () => {
    writeFileSync(join(cwd, "ok.yaml"), 'version: "1.0"\norganisations:\n  - name: Acme\n');
    const before = await checksumAllTables(db.sql);
    const env = { FLAGSMITH_DOMAIN: "https://x/" };
    for (const ran of [
      cli(["validate", "--file", "ok.yaml"], env),
      cli(["--file", "ok.yaml"], { ...env, DATABASE_URL: db.url }),
    ]) {
      expectCleanFailure(ran, 2, {
        message:
          /^error: FLAGSMITH_DOMAIN must be a host or host:port, like flagsmith\.example\.com or localhost:8000, got "https:\/\/x\/"$/m,
      });
      expect(ran.stdout).toBe("");
    }
    expect(await checksumAllTables(db.sql)).toBe(before);
    expect(cli(["validate", "--file", "ok.yaml"], { FLAGSMITH_DOMAIN: "flagsmith.example.com:8443" }).exitCode).toBe(0);
  });

  test("a name longer than Flagsmith's column, offline (v2.265.0's lengths) and connected (the database's)", async () => {
    await expectRefused(
      "long.yaml",
      `version: "1.0"\nprojects:\n  - name: Web\n    organisation: Acme\n    features:\n      - name: ${"f".repeat(2001)}\n`,
      /long\.yaml:6:9: error: feature "f+" name is 2001 characters long; Flagsmith stores it in features_feature\.name, which holds at most 2000/,
    );
  });

  test("an offline dry run refuses a value too long as well", () => {
    writeFileSync(
      join(cwd, "long-key.yaml"),
      `version: "1.0"\nmaster_api_keys:\n  - {name: ${"k".repeat(51)}, organisation: Acme}\n`,
    );
    const ran = cli(["--file", "long-key.yaml", "--dry-run"]);
    expectCleanFailure(ran, 2, {
      message: /long-key\.yaml:3:5: error: master API key "k+" name is 51 characters long/,
    });
  });

  test("problems of every kind in one run: shape, permission key, length and reference", async () => {
    const [validate] = await expectRefused(
      "mixed.yaml",
      'version: "1.0"\n' +
        "organisations:\n  - name: Acme\n    subscription: {seats: lots}\n  - name: Beta\n    permissions: [{user: a@b.co, permissions: [CREATE_PROJCT]}]\n" +
        `projects:\n  - {name: Web, organisation: Beta}\n  - {name: Mobile, organisation: Beta, features: [{name: ${"f".repeat(2001)}}]}\n` +
        "features: [{name: h, project: Webb, organisation: Beta}]\nusers: [{email: a@b.co}]\n",
      /mixed\.yaml:4:27: error: "seats" must be a whole number/,
    );
    const lines = validate!.stderr.split("\n").filter((line) => line.includes(": error: "));
    expect(lines.map((line) => line.split(": error: ")[0])).toEqual([
      "mixed.yaml:4:27",
      "mixed.yaml:6:19",
      "mixed.yaml:9:51",
      "mixed.yaml:10:12",
    ]);
    expect(validate!.stderr).toContain('"CREATE_PROJCT" is not an organisation permission key');
    expect(validate!.stderr).toContain('did you mean project "Web" of organisation "Beta"?');
  });
});

describe("values Flagsmith's tables hold once, and traits its API could not send (item 5)", () => {
  test("two users with the same username (users_ffadminuser.username is UNIQUE)", async () => {
    await expectRefused(
      "username.yaml",
      'version: "1.0"\nusers:\n  - {email: a@b.co, username: ops}\n  - {email: c@d.co, username: ops}\n',
      /username\.yaml:4:5: error: user "c@d\.co" has the username "ops", as user "a@b\.co" \(at username\.yaml:3:5\)/,
    );
  });

  test("two fixed master API keys with the same prefix", async () => {
    await expectRefused(
      "prefix.yaml",
      'version: "1.0"\nmaster_api_keys:\n  - {name: k1, organisation: O, key: abcd1234.0123456789abcdefghijABCDEFGHIJ01}\n  - {name: k2, organisation: O, key: abcd1234.0123456789abcdefghijABCDEFGHIJ02}\n',
      /prefix\.yaml:4:5: error: master API key "k2": the key's prefix "abcd1234"/,
    );
  });

  test("a trait that is not a finite number", async () => {
    await expectRefused(
      "inf.yaml",
      'version: "1.0"\nprojects: [{name: P, organisation: O, environments: [{name: E, identities: [{identifier: i, traits: {score: .inf}}]}]}]\n',
      /inf\.yaml:2:109: error: trait "score" must be a finite number, got Infinity/,
    );
  });
});

describe("input parts of item 15", () => {
  test("a custom tag", async () => {
    await expectRefused(
      "tag.yaml",
      'version: "1.0"\nusers:\n  - email: !foo a@b.co\n',
      /tag\.yaml:3:12: error: unsupported YAML tag !foo/,
    );
  });

  test("a password_hash of a hasher Flagsmith does not enable (Django's MD5)", async () => {
    await expectRefused(
      "md5.yaml",
      'version: "1.0"\nusers:\n  - email: a@b.co\n    password_hash: md5$seasalt$9135274bbe810f23c6367af17b802128\n',
      /md5\.yaml:4:20: error: "password_hash" is not a Django password hash Flagsmith can check/,
    );
  });

  test("an unquoted version: 1.0, which `schema` (JSON Schema) refuses too", async () => {
    await expectRefused(
      "version.yaml",
      "version: 1.0\nusers:\n  - email: a@b.co\n",
      /version\.yaml:1:10: error: version must be text; 1\.0 unquoted is a number\n {2}hint: write version: "1\.0" \(quoted\)/,
    );
  });
});

describe("a bounded number of problems is listed (item 11)", () => {
  test("1,000 problems are listed with their positions, the others counted in one line", () => {
    const lines = ['version: "1.0"', "projects:", "  - name: Web", "    organisation: Acme", "    features:"];
    for (let f = 0; f < 1500; f++) lines.push(`      - name: feature_${f}`, "        default_enabled: maybe");
    writeFileSync(join(cwd, "many.yaml"), lines.join("\n") + "\n");
    // stderr to a file: through a pipe, 100 KB of it can be cut short (main.ts drains stdout before exiting, not
    // stderr).
    const stderrFile = join(cwd, "many.stderr");
    const spawned = Bun.spawnSync([binary, "validate", "--file", "many.yaml"], {
      cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      stdout: "pipe",
      stderr: Bun.file(stderrFile),
    });
    const ran: Ran = {
      exitCode: spawned.exitCode ?? -1,
      stdout: spawned.stdout.toString(),
      stderr: readFileSync(stderrFile, "utf8"),
    };
    expectCleanFailure(ran, 2, { message: /^error: and 500 more problems \(only the first 1000 are listed\)$/m });
    const errors = ran.stderr
      .split("\n")
      .filter((line) => /^many\.yaml:\d+:26: error: "default_enabled" must be true or false/.test(line));
    expect(errors).toHaveLength(1000);
    // The first 1,000 in the file, in order.
    expect(errors[0]).toStartWith("many.yaml:7:26:");
    expect(errors[999]).toStartWith(`many.yaml:${7 + 2 * 999}:26:`);
  });
});
