/**
 * Issue 8, through the compiled binary operators run: known database failures, a closed stdout, a lost
 * connection, malformed database settings, huge failed batches, --wait, and bad option values. Each asserts
 * the exit code, one clean message (no stack, no minified source, no password) and an unchanged database.
 */
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { ADVISORY_LOCK_KEY } from "../../src/db/transaction.ts";
import { ADMIN_URL, checksumAllTables, createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { REPO, ensureBinary, run, tempDir, type Ran } from "../helpers/binary.ts";
import { expectCleanFailure } from "../helpers/failure.ts";

setDefaultTimeout(120_000);

let binary: string;
let db: TestDatabase;
let cwd: string;

beforeAll(async () => {
  binary = ensureBinary();
  cwd = tempDir();
  db = await createTestDatabase("fixture");
});
afterAll(async () => {
  await db?.drop();
});

const cli = (args: string[], env: Record<string, string> = {}): Ran =>
  run([binary, ...args], { cwd, env: { DJANGO_SECRET_KEY: "test-secret", ...env } });

/** The URL of the test database with another user, or a database name. */
function urlWith(change: { user?: string; database?: string; query?: string }): string {
  const url = new URL(db.url);
  if (change.user) url.username = change.user;
  if (change.database) url.pathname = "/" + change.database;
  return url.toString() + (change.query ?? "");
}

/** Runs the binary with stdout into `reader` (a shell command), timing it; stderr and the binary's exit come back. */
async function runPiped(
  args: string[],
  reader: string,
  env: Record<string, string>,
): Promise<{ exitCode: number; stderr: string; ms: number }> {
  const started = performance.now();
  const proc = Bun.spawn(["bash", "-c", `"$@" | ${reader}; exit "\${PIPESTATUS[0]}"`, "piped", binary, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    stdout: "ignore",
    stderr: "pipe",
  });
  const killer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
  const exitCode = await proc.exited;
  clearTimeout(killer);
  return { exitCode, stderr: await new Response(proc.stderr).text(), ms: performance.now() - started };
}

describe("known database failures are clean runtime errors (exit 1)", () => {
  test("the database does not exist", () => {
    const ran = cli(["--preset", "bootstrap"], { DATABASE_URL: urlWith({ database: "fsp_test_no_such_database" }) });
    expectCleanFailure(ran, 1, {
      message:
        /^error: database: database "fsp_test_no_such_database" does not exist\n {2}postgres code: 3D000\n {2}hint: check the database name/,
    });
  });

  test("the role does not exist, with its password never shown", () => {
    const url = new URL(db.url);
    url.username = "fsp_test_no_such_role";
    url.password = "hunter2-secret";
    const ran = cli(["--preset", "bootstrap"], { DATABASE_URL: url.toString() });
    expectCleanFailure(ran, 1, {
      secrets: ["hunter2-secret"],
      message: /role "fsp_test_no_such_role" does not exist|authentication failed/,
    });
  });

  describe("with roles of their own", () => {
    const limited = `fsp_test_limited_${process.pid}`;
    const reader = `fsp_test_reader_${process.pid}`;
    let admin: postgres.Sql;
    beforeAll(async () => {
      admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create role "${limited}" login connection limit 0`);
      await admin.unsafe(`create role "${reader}" login`);
    });
    afterAll(async () => {
      await admin.unsafe(`drop role if exists "${limited}"`);
      await admin.unsafe(`drop role if exists "${reader}"`);
      await admin.end();
    });

    test("too many connections", async () => {
      const before = await checksumAllTables(db.sql);
      const ran = cli(["--preset", "bootstrap"], { DATABASE_URL: urlWith({ user: limited }) });
      expectCleanFailure(ran, 1, {
        message:
          /too many connections for role[\s\S]*postgres code: 53300[\s\S]*hint: the server has no connection slot left/,
      });
      expect(await checksumAllTables(db.sql)).toBe(before);
    });

    test("permission denied on a read", async () => {
      const before = await checksumAllTables(db.sql);
      const ran = cli(["--preset", "bootstrap"], { DATABASE_URL: urlWith({ user: reader }) });
      expectCleanFailure(ran, 1, { message: /permission denied for table[\s\S]*postgres code: 42501/ });
      expect(await checksumAllTables(db.sql)).toBe(before);
    });
  });

  test("statement_timeout while waiting for another run's lock", async () => {
    const holder = postgres(db.url, { max: 1 });
    try {
      await holder.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${ADVISORY_LOCK_KEY}::bigint)`;
        const before = await checksumAllTables(db.sql);
        const ran = cli(["--preset", "bootstrap"], { DATABASE_URL: urlWith({ query: "?statement_timeout=300" }) });
        expectCleanFailure(ran, 1, {
          message: /canceling statement due to statement timeout[\s\S]*postgres code: 57014[\s\S]*statement_timeout/,
        });
        expect(await checksumAllTables(db.sql)).toBe(before);
      });
    } finally {
      await holder.end();
    }
  });

  test("the connection is lost mid-run (pg_terminate_backend): only the clean message", async () => {
    const holder = postgres(db.url, { max: 1 });
    const before = await checksumAllTables(db.sql);
    try {
      await holder.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${ADVISORY_LOCK_KEY}::bigint)`;
        const proc = Bun.spawn([binary, "--preset", "dev"], {
          cwd,
          env: { PATH: process.env.PATH ?? "", DATABASE_URL: db.url },
          stdout: "pipe",
          stderr: "pipe",
        });
        // The run now waits for the lock inside its transaction; end its connection there.
        for (let i = 0; i < 100; i++) {
          const [row] = await db.sql`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
                                     where application_name = 'flagsmith-provision' and datname = ${db.name} and wait_event_type = 'Lock'`;
          if (row!.n > 0) break;
          await Bun.sleep(50);
        }
        const ran = {
          exitCode: await proc.exited,
          stdout: await new Response(proc.stdout).text(),
          stderr: await new Response(proc.stderr).text(),
        };
        expectCleanFailure(ran, 1, {
          message: /^error: database: .*CONNECTION_CLOSED[\s\S]*hint: the connection was lost/,
        });
        expect(ran.stderr.split("\n").filter(Boolean)).toHaveLength(4);
      });
    } finally {
      await holder.end();
    }
    expect(await checksumAllTables(db.sql)).toBe(before);
  });
});

describe("a closed stdout ends the run promptly", () => {
  test("a dry run piped into a reader that is gone: exit 0 within 2 s, no trace", async () => {
    for (const reader of ["true", "head -1"]) {
      const ran = await runPiped(["--preset", "dev", "--dry-run"], reader, {});
      expect(ran.ms, reader).toBeLessThan(2000);
      expect(ran.exitCode, ran.stderr).toBe(0);
      expect(ran.stderr).not.toMatch(/EPIPE|^\s+at /m);
    }
  });

  test("a real apply whose stdout is closed before its report: rolled back, exit 1 within 2 s, one message", async () => {
    const before = await checksumAllTables(db.sql);
    const ran = await runPiped(["--preset", "dev"], "true", { DATABASE_URL: db.url });
    expect(ran.ms).toBeLessThan(2000);
    expectCleanFailure({ ...ran, stdout: "" }, 1, {
      message: /^error: stdout was closed before the report was written, so nothing was committed/,
    });
    expect(await checksumAllTables(db.sql)).toBe(before);
  });

  test("a real apply piped to head -2: done within 2 s, and what it says matches what it committed", async () => {
    const scratch = await createTestDatabase("fixture");
    try {
      const ran = await runPiped(["--preset", "dev"], "head -2", { DATABASE_URL: scratch.url });
      expect(ran.ms).toBeLessThan(2000);
      const [row] = await scratch.sql<{ n: number }[]>`select count(*)::int as n from users_ffadminuser`;
      // Either head was still reading when the report went out (committed, exit 0), or it had gone (rolled back, exit
      // 1).
      if (ran.exitCode === 0) expect(row!.n).toBeGreaterThan(0);
      else expectCleanFailure({ ...ran, stdout: "" }, 1, { message: /nothing was committed/ });
      if (ran.exitCode !== 0) expect(row!.n).toBe(0);
    } finally {
      await scratch.drop();
    }
  });
});

describe("malformed database settings are invalid options (exit 2), never echoing the password", () => {
  const cases: Array<[string, Record<string, string>, string[], RegExp]> = [
    ["not a URL", { DATABASE_URL: "not a url" }, [], /DATABASE_URL is not a URL/],
    ["a MySQL URL", { DATABASE_URL: "mysql://u:pw-secret1@h/db" }, ["pw-secret1"], /DATABASE_URL is a mysql URL/],
    [
      "an unencoded # and ? in the password",
      { DATABASE_URL: "postgres://u:pw#se?cret2@h/db" },
      ["se?cret2", "pw#se"],
      /contains "#"/,
    ],
    [
      "an unencoded / and @ in the password",
      { DATABASE_URL: "postgres://u:pw/se@cret3@h/db" },
      ["se@cret3", "pw/se"],
      /"@" after the host/,
    ],
    [
      "%zz in the password",
      { DATABASE_URL: "postgres://u:pw%zzsecret4@h/db" },
      ["pw%zzsecret4", "zzsecret4"],
      /malformed percent-encoding .* in the password/,
    ],
    ["an unknown sslmode", { DATABASE_URL: "postgres://u@h/db?sslmode=maybe" }, [], /sslmode "maybe"/],
    [
      "DJANGO_DB_PORT=abc",
      {
        DJANGO_DB_NAME: "f",
        DJANGO_DB_HOST: "h",
        DJANGO_DB_USER: "u",
        DJANGO_DB_PASSWORD: "secret5",
        DJANGO_DB_PORT: "abc",
      },
      ["secret5"],
      /DJANGO_DB_PORT has port "abc"/,
    ],
    [
      "DJANGO_DB_PORT=99999",
      {
        DJANGO_DB_NAME: "f",
        DJANGO_DB_HOST: "h",
        DJANGO_DB_USER: "u",
        DJANGO_DB_PASSWORD: "secret6",
        DJANGO_DB_PORT: "99999",
      },
      ["secret6"],
      /DJANGO_DB_PORT has port "99999"/,
    ],
  ];
  for (const [what, env, secrets, message] of cases) {
    test(what, () => {
      // Before anything else: a dry run fails the same way, so it cannot fall back to "no database".
      for (const extra of [[], ["--dry-run"]]) {
        const ran = cli(["--preset", "bootstrap", ...extra], env);
        expectCleanFailure(ran, 2, { secrets, message });
        expect(ran.stderr.split("\n").filter(Boolean)).toHaveLength(2);
      }
    });
  }

  test("--database-url '' counts as unset, like an empty DATABASE_URL", () => {
    const ran = cli(["--preset", "bootstrap", "--dry-run", "--database-url", ""], { DATABASE_URL: "" });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stderr).toContain("No database configured");
  });

  test("libpq's socket form postgres://user@/db?host=/dir connects", () => {
    const admin = new URL(db.url);
    const ran = cli(["--preset", "bootstrap", "--dry-run"], {
      DATABASE_URL: `postgres://${admin.username || "postgres"}@/${db.name}?host=/var/run/postgresql`,
    });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stdout).toContain("Dry run complete: 3 would be created");
  });
});

describe("--wait", () => {
  test("an unsupported schema exits 3 at once, not after the wait", async () => {
    const newer = await createTestDatabase("fixture");
    try {
      await newer.sql`alter table projects_project add column from_the_future text not null default ''`;
      await newer.sql`alter table projects_project alter column from_the_future drop default`;
      const started = performance.now();
      const ran = cli(["--preset", "bootstrap", "--wait", "60"], { DATABASE_URL: newer.url });
      expectCleanFailure(ran, 3, { message: /projects_project\.from_the_future is NOT NULL without a default/ });
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      await newer.drop();
    }
  });

  test("--wait -1 is a bad value, not an unknown option", () => {
    const ran = cli(["--preset", "bootstrap", "--dry-run", "--wait", "-1"]);
    expectCleanFailure(ran, 2, { message: /--wait must be a number of seconds \(0 or more\), not "-1"/ });
  });
});

describe("a failure in a huge batch names the entity that failed", () => {
  test("one bad feature among 3,000: named with its position, and the line stays short", async () => {
    const scratch = await createTestDatabase("fixture");
    try {
      await scratch.sql`alter table features_feature add constraint fsp_test_no_f1234 check (name <> 'f_1234')`;
      const features = Array.from({ length: 3000 }, (_, i) => `      - name: f_${i}`).join("\n");
      const file = join(cwd, "huge.yaml");
      writeFileSync(
        file,
        `version: "1.0"\norganisations:\n  - name: O\nprojects:\n  - name: P\n    organisation: O\n    features:\n${features}\n`,
      );
      const before = await checksumAllTables(scratch.sql);
      const ran = cli(["--file", file], { DATABASE_URL: scratch.url });
      expectCleanFailure(ran, 1, {
        message:
          /^error: creating feature "f_1234" \(.*huge\.yaml:1242:9\): new row for relation "features_feature" violates check constraint/,
      });
      expect(Math.max(...ran.stderr.split("\n").map((l) => l.length))).toBeLessThan(1000);
      expect(await checksumAllTables(scratch.sql)).toBe(before);
    } finally {
      await scratch.drop();
    }
  });
});

describe("hash-password on a terminal", () => {
  test.skipIf(!Bun.which("script"))("does not echo the password", () => {
    // Typed after the prompt, as a person would: earlier, the terminal would echo it before the program starts.
    const ran = run(
      ["bash", "-c", `(sleep 0.5; printf 'typed-secret-7\\n') | script -qec "$0 hash-password" /dev/null`, binary],
      { cwd },
    );
    expect(ran.exitCode, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/pbkdf2_sha256\$1000000\$/);
    expect(ran.stdout).not.toContain("typed-secret-7");
  });
});

describe("bun run build with --target", () => {
  test("writes dist/flagsmith-provision-<target> and leaves the host binary alone", () => {
    const host = statSync(binary).mtimeMs;
    const out = join(REPO, "dist", "flagsmith-provision-linux-x64");
    rmSync(out, { force: true });
    const built = run(
      [
        process.execPath,
        join(REPO, "scripts", "build.ts"),
        "--target=bun-linux-x64",
        `--compile-executable-path=${process.execPath}`,
      ],
      { cwd: REPO },
    );
    try {
      expect(built.exitCode, built.stdout + built.stderr).toBe(0);
      expect(statSync(binary).mtimeMs).toBe(host);
      expect(run([out, "--version"], { cwd }).stdout).toMatch(/^flagsmith-provision \d+\.\d+\.\d+/);
    } finally {
      rmSync(out, { force: true });
    }
  });
});

describe("every problem at once", () => {
  test("a bad FLAGSMITH_DOMAIN is reported together with the files' problems, by apply and validate", () => {
    const file = join(cwd, "one-mistake.yaml");
    writeFileSync(file, 'version: "1.0"\nusers:\n  - emial: a@example.com\n');
    for (const args of [
      ["--file", file, "--dry-run"],
      ["validate", "--file", file],
    ]) {
      const ran = cli(args, { FLAGSMITH_DOMAIN: "https://x/" });
      expectCleanFailure(ran, 2, { message: /FLAGSMITH_DOMAIN must be/ });
      expect(ran.stderr, args.join(" ")).toMatch(/one-mistake\.yaml:3:\d+: error: .*emial/);
    }
  });
});
