import type { Subprocess } from "bun";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { schemaCommand } from "../../src/commands/schema.ts";
import type { Io } from "../../src/io.ts";
import { FLAGSMITH_PERMISSION_KEYS } from "../../src/kinds/permission-keys.ts";
import { LanguageClient } from "../helpers/lsp.ts";

/**
 * The schema as an operator uses it: `flagsmith-provision schema > provisioning.schema.json`, and a file that starts
 * with `# yaml-language-server: $schema=…`, opened in a real yaml-language-server (the npm package, over stdio, run
 * by Bun as CI has no Node.js). Hover shows descriptions, completion offers permission keys, mistakes are
 * diagnostics on their lines, and the presets and valid fixtures have none.
 */
const REPO = join(import.meta.dir, "..", "..");
const SERVER = join(REPO, "node_modules", "yaml-language-server", "bin", "yaml-language-server");

/** Whether the package runs at all (it is a devDependency: only a broken install lacks it). */
function serverRuns(): boolean {
  try {
    const ran = Bun.spawnSync([process.execPath, SERVER, "--version"], {
      stdout: "pipe",
      stderr: "pipe",
      timeout: 15_000,
    });
    return ran.exitCode === 0 && /^\d+\.\d+/.test(ran.stdout.toString().trim());
  } catch {
    return false;
  }
}
const runs = serverRuns();
if (!runs) {
  // In CI the package is installed from the lockfile, so it must run there: no skipping.
  if (process.env.CI) throw new Error(`yaml-language-server does not run with ${process.execPath} (${SERVER})`);
  console.log("NOTICE: yaml-language-server (npm devDependency) does not run here; its editor tests are skipped.");
}

const dir = mkdtempSync(join(tmpdir(), "fsp-yls-"));
const schemaFile = join(dir, "provisioning.schema.json");
const yaml = { validate: true, hover: true, completion: true, schemaStore: { enable: false } };
let server: Subprocess<"pipe", "pipe", "pipe"> | undefined;
let client: LanguageClient;
let opened = 0;

beforeAll(async () => {
  if (!runs) return;
  const lines: string[] = [];
  const io: Io = { env: {}, cwd: dir, out: (line) => lines.push(line), err: () => {}, color: false };
  schemaCommand(io);
  writeFileSync(schemaFile, lines.join("\n"));
  server = Bun.spawn([process.execPath, SERVER, "--stdio"], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  client = new LanguageClient(server, { yaml });
  await client.request("initialize", {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    capabilities: {
      workspace: { configuration: true },
      textDocument: { hover: { contentFormat: ["markdown", "plaintext"] }, completion: {} },
    },
  });
  client.notify("initialized", {});
  client.notify("workspace/didChangeConfiguration", { settings: { yaml } });
}, 30_000);

afterAll(async () => {
  if (server) {
    server.kill();
    await Promise.race([server.exited, Bun.sleep(5_000)]);
    if (server.exitCode === null) server.kill(9);
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Opens `body` as a new file pointing at the schema; its URI. Line 0 is the modeline, so `body` starts on line 1. */
function open(body: string): string {
  const uri = pathToFileURL(join(dir, `file-${++opened}.yaml`)).href;
  const text = `# yaml-language-server: $schema=${pathToFileURL(schemaFile).href}\n${body}`;
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "yaml", version: 1, text } });
  return uri;
}

/**
 * The diagnostics the server publishes for `uri` (line, message), in line order: the first publication with some
 * (every file here has a mistake), so that an early empty one could not pass for a valid file.
 */
async function diagnostics(uri: string): Promise<{ line: number; message: string }[]> {
  const published = await client.notification(
    (m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri && m.params.diagnostics.length > 0,
  );
  return (published.params.diagnostics as { range: { start: { line: number } }; message: string }[])
    .map((d) => ({ line: d.range.start.line, message: d.message }))
    .sort((a, b) => a.line - b.line);
}

const FILE = `version: "1.0"
users:
  - email: dev@example.com
    is_superusr: true
  - email: ops@example.com
    is_superuser: "yes"
projects:
  - name: Web
    organisation: Acme
    segments:
      - name: beta
        rules:
          - type: ALL
            conditions:
              - { property: id, operator: MODULO, value: "3" }
`;

describe.skipIf(!runs)("yaml-language-server with `flagsmith-provision schema`", () => {
  test("hover on a field shows its description", async () => {
    const uri = open(FILE);
    await diagnostics(uri); // validated: the schema is loaded
    const hover = async (line: number, character: number) =>
      (await client.request("textDocument/hover", { textDocument: { uri }, position: { line, character } }))?.contents
        ?.value ?? "";
    expect(await hover(6, 8)).toContain("Make the user a Django superuser"); // is_superuser
    expect(await hover(3, 7)).toContain("which they log in with"); // email
    expect(await hover(15, 36)).toContain("How the trait is compared"); // operator, in the recursive segment rule
  });

  test("completion inside permissions: offers that level's keys", async () => {
    const uri = open(`version: "1.0"
organisations:
  - name: Acme
    permissions:
      - user: dev@example.com
        permissions:
          - 
projects:
  - name: Web
    organisation: Acme
    permissions:
      - user: dev@example.com
        permissions:
          - 
`);
    await diagnostics(uri);
    const labels = async (line: number) => {
      const list = await client.request("textDocument/completion", {
        textDocument: { uri },
        position: { line, character: 12 },
      });
      return ((Array.isArray(list) ? list : list.items) as { label: string }[]).map((item) => item.label);
    };
    const organisation = await labels(7);
    expect(organisation).toEqual(expect.arrayContaining(FLAGSMITH_PERMISSION_KEYS.organisation));
    expect(organisation).not.toContain("VIEW_PROJECT");
    const project = await labels(14);
    expect(project).toEqual(expect.arrayContaining(FLAGSMITH_PERMISSION_KEYS.project));
    expect(project).not.toContain("VIEW_ENVIRONMENT");
  });

  test("a typo is a diagnostic at its line; wrong values say what is expected", async () => {
    expect(await diagnostics(open(FILE))).toEqual([
      { line: 4, message: "Property is_superusr is not allowed." },
      { line: 6, message: expect.stringContaining("true or false") },
      { line: 15, message: expect.stringContaining('"divisor|remainder"') },
    ]);
  });

  test("the presets and the valid fixtures have no diagnostics", async () => {
    const files = [
      ...readdirSync(join(REPO, "presets")).map((name) => join(REPO, "presets", name, `${name}.yaml`)),
      ...readdirSync(join(REPO, "test", "fixtures", "valid")).map((name) =>
        join(REPO, "test", "fixtures", "valid", name),
      ),
    ];
    // A known mistake at the end shows the file was validated against the schema, and is the only diagnostic.
    const opened = files.map((file) => {
      const body = readFileSync(file, "utf8").replace(/\n*$/, "\n");
      return { file, uri: open(`${body}not_a_field: true\n`), last: body.split("\n").length };
    });
    for (const { file, uri, last } of opened) {
      expect({ file, found: await diagnostics(uri) }).toEqual({
        file,
        found: [{ line: last, message: "Property not_a_field is not allowed." }],
      });
    }
  });
});
