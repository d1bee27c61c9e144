import { beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { STACK_LINE, ensureBinary, run, tempDir } from "../helpers/binary.ts";

// Building the binary and creating databases take seconds on a busy machine; hooks included.
setDefaultTimeout(120_000);

/** The binary copied alone into an empty directory: presets, schema and version must be embedded. */
let binary: string;
let dir: string;
const cli = (args: string[], env: Record<string, string> = {}, cwd = dir) => run([binary, ...args], { cwd, env });

beforeAll(() => {
  dir = tempDir();
  binary = join(dir, "flagsmith-provision");
  copyFileSync(ensureBinary(), binary);
});

const BOOTSTRAP_DRY_RUN = [
  'Would create user "admin@example.com".',
  'Would create organisation "Default Organisation".',
  'Would create project "Default Project".',
  "Dry run complete: 3 would be created, 0 skipped. Nothing was written.",
];

describe("the binary alone in an empty directory", () => {
  test("--preset bootstrap --dry-run plans against an empty instance without a database", () => {
    const ran = cli(["--preset", "bootstrap", "--dry-run"]);
    expect(ran.stdout.trimEnd().split("\n")).toEqual(BOOTSTRAP_DRY_RUN);
    expect(ran.stderr).toContain("No database configured: planning against an empty instance.");
    expect(ran.exitCode).toBe(0);
  });

  test("with no source at all it falls back to the bootstrap preset, with its variables", () => {
    const ran = cli(["--dry-run"], { ADMIN_EMAIL: "ops@acme.test", ORGANISATION_NAME: "Acme" });
    expect(ran.stdout).toContain('Would create user "ops@acme.test".');
    expect(ran.stdout).toContain('Would create organisation "Acme".');
    expect(ran.exitCode).toBe(0);
  });

  test("presets lists bootstrap with its summary; presets show prints the YAML verbatim", () => {
    const list = cli(["presets"]);
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toMatch(/^bootstrap\s+\S/m);
    const show = cli(["presets", "show", "bootstrap"]);
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toStartWith("# bootstrap:");
    expect(show.stdout).toContain('version: "1.0"');
  });

  test("presets show of an unknown preset names the valid ones, exit 2", () => {
    const ran = cli(["presets", "show", "nope"]);
    expect(ran.exitCode).toBe(2);
    expect(ran.stderr).toContain('unknown preset "nope"');
    expect(ran.stderr).toContain("bootstrap");
    expect(ran.stderr).not.toMatch(STACK_LINE);
  });

  test("schema prints one JSON Schema document", () => {
    const ran = cli(["schema"]);
    expect(ran.exitCode).toBe(0);
    const schema = JSON.parse(ran.stdout);
    expect(schema.$schema).toContain("json-schema.org");
    expect(schema.$id).toBeString();
  });

  test("validate --file checks a file offline", () => {
    writeFileSync(
      join(dir, "acme.yaml"),
      [
        'version: "1.0"',
        "users:",
        "  - email: dev@example.com",
        "organisations:",
        "  - name: Acme Corp",
        "    members:",
        "      - email: dev@example.com",
        "        role: ADMIN",
        "projects:",
        "  - name: Web App",
        "    organisation: Acme Corp",
        "    environments:",
        "      - name: Development",
        "    features:",
        "      - name: dark_mode",
        "        default_enabled: true",
        "",
      ].join("\n"),
    );
    const ran = cli(["validate", "--file", "acme.yaml"]);
    expect(ran.stderr).toBe("");
    expect(ran.stdout).toMatch(/^Valid: 1 file, \d+ entities\.$/m);
    expect(ran.exitCode).toBe(0);
  });
});

describe("the binary ignores the working directory's .env and bunfig.toml", () => {
  test("a .env with DATABASE_URL and a bunfig.toml preload are not loaded", () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, ".env"), "DATABASE_URL=postgres://nope@127.0.0.1:1/x\nADMIN_EMAIL=dotenv@example.com\n");
    writeFileSync(join(cwd, "bunfig.toml"), 'preload = ["./preload.ts"]\n');
    writeFileSync(join(cwd, "preload.ts"), 'console.log("BUNFIG PRELOADED");\n');
    const ran = run([binary, "--preset", "bootstrap", "--dry-run"], { cwd });
    expect(ran.stderr).toContain("No database configured");
    expect(ran.stdout).not.toContain("BUNFIG PRELOADED");
    expect(ran.stdout).toContain('Would create user "admin@example.com".');
    expect(ran.exitCode).toBe(0);
  });
});

describe("options and output", () => {
  test("--help shows commands, options, examples and exit codes", () => {
    const ran = cli(["--help"]);
    expect(ran.exitCode).toBe(0);
    for (const word of ["validate", "presets", "schema", "--dry-run", "--output", "--wait", "Examples", "Exit codes"]) {
      expect(ran.stdout).toContain(word);
    }
  });

  test("a subcommand's --help keeps to that command: its examples, and the source rules only where it reads sources", () => {
    const validate = cli(["validate", "--help"]);
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout).toContain("Default source");
    expect(validate.stdout).toContain("validate --directory ./provisioning");
    expect(validate.stdout).not.toContain("--preset bootstrap --dry-run");
    const schema = cli(["schema", "--help"]);
    expect(schema.stdout).not.toContain("Default source");
    expect(schema.stdout).toContain("schema > provisioning.schema.json");
    expect(schema.stdout).not.toContain("presets show dev");
    expect(schema.stdout).toContain("Exit codes");
  });

  test("--version prints the package version", async () => {
    const { version } = await Bun.file(join(import.meta.dir, "..", "..", "package.json")).json();
    const ran = cli(["--version"]);
    expect(ran.stdout.trim()).toBe(`flagsmith-provision ${version}`);
    expect(ran.exitCode).toBe(0);
  });

  test.each([
    [["--bogus"], /unknown option "--bogus"/],
    [["frobnicate"], /unknown command "frobnicate"/],
    [["--output", "xml", "--dry-run"], /--output must be "text" or "json"/],
    [["--wait", "soon"], /--wait must be a number/],
    [["presets", "delete"], /unknown presets subcommand "delete"/],
    [["validate", "--dry-run"], /unknown option "--dry-run"/],
    [["--file"], /value is missing|needs a/],
  ])("bad usage %p exits 2 with a clear message", (args, message) => {
    const ran = cli(args as string[]);
    expect(ran.stderr).toMatch(message as RegExp);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(ran.exitCode).toBe(2);
  });

  test("apply without a database configured fails clearly, exit 1", () => {
    const ran = cli(["--preset", "bootstrap"]);
    expect(ran.stderr).toContain(
      "no database configured: set DATABASE_URL or DJANGO_DB_* or pass --database-url (or use --dry-run)",
    );
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(ran.stdout).toBe("");
    expect(ran.exitCode).toBe(1);
  });

  test("--output json prints exactly one parseable document", () => {
    const ran = cli(["--preset", "bootstrap", "--dry-run", "--output", "json"]);
    expect(ran.exitCode).toBe(0);
    const doc = JSON.parse(ran.stdout);
    expect(doc).toMatchObject({ dryRun: true, offline: true, secrets: [], summary: { created: 3, skipped: 0 } });
    expect(doc.actions.map((a: { kind: string }) => a.kind)).toEqual(["user", "organisation", "membership", "project"]);
  });

  test("no ANSI escapes when stdout is not a terminal", () => {
    expect(cli(["--preset", "bootstrap", "--dry-run"]).stdout).not.toContain("\x1b[");
  });

  // `script` gives the binary a real terminal: colour there, none with NO_COLOR.
  const hasScript = Bun.which("script") !== null;
  test.if(hasScript)("colour on a terminal, never with NO_COLOR", () => {
    const onTty = (env: Record<string, string>) =>
      run(["script", "-qec", `${binary} --preset bootstrap --dry-run`, "/dev/null"], { cwd: dir, env }).stdout;
    expect(onTty({})).toContain("\x1b[");
    const plain = onTty({ NO_COLOR: "1" });
    expect(plain).toContain("Would create user");
    expect(plain).not.toContain("\x1b[");
  });
});
