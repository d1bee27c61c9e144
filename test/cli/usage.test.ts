/** Issue 13's command-line experience, through the compiled binary: "did you mean", and each command's own help. */
import { beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { ensureBinary, run, tempDir } from "../helpers/binary.ts";
import { expectCleanFailure } from "../helpers/failure.ts";

setDefaultTimeout(120_000);

let binary: string;
let cwd: string;
beforeAll(() => {
  binary = ensureBinary();
  cwd = tempDir();
});
const cli = (...args: string[]) => run([binary, ...args], { cwd });

describe("did you mean", () => {
  test("a mistyped command suggests the command, exit 2", () => {
    expectCleanFailure(cli("aply"), 2, { message: /^error: unknown command "aply"; did you mean "apply"\?/ });
    expectCleanFailure(cli("validat", "--preset", "dev"), 2, { message: /did you mean "validate"\?/ });
  });

  test("a mistyped option suggests an option of that command, exit 2", () => {
    expectCleanFailure(cli("--dryrun"), 2, {
      message: /^error: unknown option "--dryrun"; did you mean "--dry-run"\?/,
    });
    expectCleanFailure(cli("reset", "--yse"), 2, { message: /did you mean "--yes"\?/ });
    // validate has no --dry-run: it is not suggested there.
    const ran = cli("validate", "--dryrun");
    expectCleanFailure(ran, 2, { message: /^error: unknown option "--dryrun"/ });
    expect(ran.stderr).not.toContain("did you mean");
  });
});

describe("each command's help is its own", () => {
  test("apply --help: apply's options, the environment it reads, every exit code", () => {
    for (const args of [["--help"], ["apply", "--help"], ["-h"]]) {
      const ran = cli(...args);
      expect(ran.exitCode).toBe(0);
      for (const word of [
        "--dry-run",
        "--secrets-file",
        "DJANGO_SECRET_KEY",
        "FLAGSMITH_DOMAIN",
        "NO_COLOR",
        "DATABASE_URL",
        "  3  the database",
      ]) {
        expect(ran.stdout, args.join(" ")).toContain(word);
      }
      expect(ran.stdout).not.toContain("--yes");
    }
  });

  test("commands that never touch a database list no database exit codes nor database variables", () => {
    for (const command of ["validate", "presets", "schema", "hash-password"]) {
      const ran = cli(command, "--help");
      expect(ran.exitCode).toBe(0);
      expect(ran.stdout, command).toContain("Exit codes:");
      expect(ran.stdout, command).not.toMatch(/^ {2}[13] {2}/m);
      expect(ran.stdout, command).not.toContain("DATABASE_URL");
      expect(ran.stdout, command).not.toContain("--dry-run");
    }
  });

  test("reset's usage line says --yes, and its help lists it", () => {
    const ran = cli("reset", "--help");
    expect(ran.stdout).toMatch(/\$ flagsmith-provision reset --yes /);
    expect(ran.stdout).toMatch(/^ {2}--yes +Really delete/m);
    expect(ran.stdout).toMatch(/^ {2}3 {2}the database/m);
  });
});
