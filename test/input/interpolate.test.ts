import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../src/errors.ts";
import { loadDesired } from "../../src/input/index.ts";
import { interpolateString } from "../../src/input/interpolate.ts";
import type { Env } from "../../src/input/source.ts";

const dir = mkdtempSync(join(tmpdir(), "interpolate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const expand = (text: string, env: Env = {}) => interpolateString(text, { env, baseDir: dir });

describe("interpolateString", () => {
  test("${VAR} takes the environment's value", () => {
    expect(expand("hello ${NAME}!", { NAME: "Ada" })).toEqual({ value: "hello Ada!", problems: [] });
  });
  test("a lone $ and $ in values are kept", () => {
    expect(expand("costs $5 and $ more; $HOME is not syntax").value).toBe("costs $5 and $ more; $HOME is not syntax");
  });
  test("the default is everything after the FIRST colon", () => {
    expect(expand("${URL:http://x:8000}").value).toBe("http://x:8000");
    expect(expand("${APP_DOMAIN:localhost:8000}").value).toBe("localhost:8000");
  });
  test('${X:-default} means the same as ${X:default} (the Docker Compose spelling), not the default "-default"', () => {
    expect(expand("${B:-dash}").value).toBe("dash");
    expect(expand("${B:-dash}", { B: "set" }).value).toBe("set");
    expect(expand("${B:--x}").value).toBe("-x");
    expect(expand("${B:-}").value).toBe("");
  });
  test("an empty default ${X:} is the empty string, not an error", () => {
    expect(expand("[${X:}]")).toEqual({ value: "[]", problems: [] });
  });
  test("a set variable wins over the default, even when empty", () => {
    expect(expand("${X:fallback}", { X: "" }).value).toBe("");
    expect(expand("${X:fallback}", { X: "set" }).value).toBe("set");
  });
  test("$${...} is a literal ${...}", () => {
    expect(expand("$${X} and $${Y:z}", { X: "no" }).value).toBe("${X} and ${Y:z}");
    expect(expand("$$__file{/etc/passwd}").value).toBe("$__file{/etc/passwd}");
  });
  test("single pass: a value from the environment is never expanded again", () => {
    const env = { PASSWORD: "p@$$w0rd${Y}$${Z}$__file{/etc/hostname}", Y: "expanded" };
    expect(expand("${PASSWORD}", env)).toEqual({ value: env.PASSWORD, problems: [] });
  });
  test("unset variables without a default are all reported", () => {
    const { problems } = expand("${A}-${B}-${C:c}");
    expect(problems.map((p) => [p.rule, p.message])).toEqual([
      ["missing-variable", "environment variable A is not set"],
      ["missing-variable", "environment variable B is not set"],
    ]);
    expect(problems[0]!.hint).toContain("${A:default}");
  });
  test("malformed references are problems, not silent text", () => {
    expect(expand("${1X}").problems[0]!.rule).toBe("bad-interpolation");
    expect(expand("${X").problems[0]!.rule).toBe("bad-interpolation");
    expect(expand("${}").problems[0]!.rule).toBe("bad-interpolation");
  });
  test("$__file{path} reads the file, minus ONE trailing newline, relative to the base directory", () => {
    writeFileSync(join(dir, "secret"), "s3cr3t${NOT_EXPANDED}\n\n");
    writeFileSync(join(dir, "crlf"), "line\r\n");
    expect(expand("$__file{secret}")).toEqual({ value: "s3cr3t${NOT_EXPANDED}\n", problems: [] });
    expect(expand(`pre-$__file{${join(dir, "crlf")}}-post`).value).toBe("pre-line-post");
  });
  test("an unreadable $__file is a problem naming the file", () => {
    const { problems } = expand("$__file{missing.txt}");
    expect(problems[0]!.rule).toBe("unreadable-file");
    expect(problems[0]!.message).toContain(join(dir, "missing.txt"));
  });
});

describe("interpolation inside files", () => {
  const load = (text: string, env: Env = {}) => loadDesired([{ name: "f.yaml", text, baseDir: dir }], env);

  test("typed fields accept interpolated strings", () => {
    const { desired } = load(
      [
        'version: "1.0"',
        "users:",
        '  - {email: "${EMAIL}", is_superuser: "${SUPER:true}"}',
        "organisations:",
        "  - name: Acme",
        '    subscription: {seats: "${SEATS:20}", max_api_calls: "${CALLS}"}',
        "    groups: [{name: G, is_default: '${DEFAULT:false}'}]",
        "projects:",
        "  - name: P",
        "    organisation: Acme",
        "    features: [{name: f, default_enabled: '${ON:true}'}]",
      ].join("\n"),
      { EMAIL: "a@b.co", CALLS: "1000" },
    );
    expect(desired.users[0]).toMatchObject({ email: "a@b.co", isSuperuser: true });
    expect(desired.organisations[0]!.subscription).toEqual({ seats: 20, maxApiCalls: 1000 });
    expect(desired.groups[0]!.isDefault).toBe(false);
    expect(desired.features[0]!.defaultEnabled).toBe(true);
  });

  test("keys are not interpolated, and quotes or colons in values cannot change the structure", () => {
    const { desired } = load('version: "1.0"\norganisations:\n  - name: "${NAME}"\n', { NAME: 'x"\n  - name: y: z' });
    expect(desired.organisations.map((o) => o.name)).toEqual(['x"\n  - name: y: z']);
    expect(() => load('version: "1.0"\n"${KEY}": 1\n', { KEY: "users" })).toThrow(/unknown field "\$\{KEY\}"/);
  });

  test("a bad typed value after interpolation is an error at that position", () => {
    try {
      load('version: "1.0"\norganisations:\n  - name: A\n    subscription: {seats: "${SEATS}"}\n', { SEATS: "many" });
      throw new Error("no error");
    } catch (error) {
      expect((error as UserError).issues).toMatchObject([
        { rule: "wrong-type", position: { file: "f.yaml", line: 4, column: 27 } },
      ]);
    }
  });

  test("every missing variable of every file is reported at once", () => {
    try {
      loadDesired(
        [
          { name: "a.yaml", text: 'version: "1.0"\nusers:\n  - email: "${A_EMAIL}"\n  - email: "${B_EMAIL}"\n' },
          { name: "b.yaml", text: 'version: "1.0"\norganisations:\n  - name: "${ORG}"\n' },
        ],
        {},
      );
      throw new Error("no error");
    } catch (error) {
      const issues = (error as UserError).issues;
      expect(issues.map((i) => `${i.rule} ${i.position!.file}:${i.position!.line}:${i.position!.column}`)).toEqual([
        "missing-variable a.yaml:3:12",
        "missing-variable a.yaml:4:12",
        "missing-variable b.yaml:3:11",
      ]);
    }
  });

  test("$__file reads secrets for passwords, relative to the file's directory", () => {
    writeFileSync(join(dir, "admin-password"), "hunter2\n");
    const { desired } = load('version: "1.0"\nusers:\n  - email: a@b.co\n    password: $__file{admin-password}\n');
    expect(desired.users[0]!.password).toEqual({ kind: "plain", value: "hunter2" });
  });
});
