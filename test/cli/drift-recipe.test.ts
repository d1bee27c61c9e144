import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureBinary, run, tempDir } from "../helpers/binary.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

/**
 * The README's CI gate (Output → Drift), run as written with the binary: `--dry-run --detailed-exitcode` and a
 * `case $?` on its exit code, before anything exists (4), in sync (0), and after a dashboard user changed a
 * declared field (5).
 */
const GATE = `flagsmith-provision --directory provisioning --dry-run --detailed-exitcode
case $? in 0) echo "in sync";; 4) echo "will create";; 5) echo "drift: see the Skipped lines"; exit 1;; *) exit 1;; esac`;

describe("the README's drift gate, through the binary", () => {
  let db: TestDatabase;
  const dir = tempDir("fsp-drift-gate-");
  beforeAll(async () => {
    db = await createTestDatabase("fixture");
    ensureBinary();
    const files = join(dir, "provisioning");
    Bun.spawnSync(["mkdir", "-p", files]);
    writeFileSync(
      join(files, "web.yaml"),
      `version: "1.0"
organisations: [{ name: Acme }]
projects:
  - name: Web
    organisation: Acme
    environments: [{ name: Production }]
    features:
      - { name: dark_mode, default_enabled: false }
`,
    );
    Bun.spawnSync(["ln", "-sf", ensureBinary(), join(dir, "flagsmith-provision")]);
  }, 60_000);
  afterAll(async () => db?.drop());

  const gate = () =>
    run(["bash", "-c", GATE], { cwd: dir, env: { DATABASE_URL: db.url, PATH: `${dir}:${process.env.PATH}` } });

  test("4 before the first apply, 0 after it, 5 (and the line saying what differs) once the database changed", async () => {
    const before = gate();
    expect(before.stdout).toContain('Would create feature "dark_mode" in project "Web".');
    expect(before.stdout.trim().split("\n").at(-1)).toBe("will create");
    expect(before.exitCode).toBe(0);

    const applied = run([ensureBinary(), "--directory", "provisioning"], { cwd: dir, env: { DATABASE_URL: db.url } });
    expect(applied.exitCode).toBe(0);
    expect(gate().stdout.trim().split("\n").at(-1)).toBe("in sync");

    await db.sql`update features_feature set default_enabled = true where name = 'dark_mode'`;
    const drifted = gate();
    expect(drifted.stdout).toContain(
      'Would skip feature "dark_mode" in project "Web" (already exists; differs: default_enabled is true in the database, false in the files).',
    );
    expect(drifted.stdout).toContain("Dry run complete: 0 would be created, 4 skipped, 1 differ. Nothing was written.");
    expect(drifted.stdout.trim().split("\n").at(-1)).toBe("drift: see the Skipped lines");
    expect(drifted.exitCode).toBe(1);
  }, 60_000);
});
