import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError, type Issue } from "../../src/errors.ts";
import { isHostAndPort } from "../../src/input/host.ts";
import { loadDesired } from "../../src/input/index.ts";
import { isFlagsmithPasswordHash } from "../../src/kinds/password-hash.ts";
import type { Source } from "../../src/input/source.ts";
import { discoverSources } from "../../src/input/discover.ts";
import { decodeUtf8 } from "../../src/input/utf8.ts";

const V = 'version: "1.0"\n';

function issuesOf(sources: Source[], env: Record<string, string> = {}): Issue[] {
  try {
    loadDesired(sources, env);
  } catch (error) {
    if (error instanceof UserError) return error.issues;
    throw error;
  }
  return [];
}
const issues = (text: string, env: Record<string, string> = {}) => issuesOf([{ name: "f.yaml", text: V + text }], env);
const brief = (list: Issue[]) => list.map((i) => `${i.position?.line}:${i.position?.column} ${i.rule}`);

describe("text PostgreSQL cannot store is refused where it is written (item 5)", () => {
  test("a NUL character in a value, a key, or brought by interpolation", () => {
    expect(brief(issues('organisations: [{name: "A\\0"}]\n'))).toEqual(["2:24 nul-character"]);
    expect(
      brief(
        issues(
          'projects: [{name: P, organisation: O, environments: [{name: E, identities: [{identifier: i, traits: {"k\\0": 1}}]}]}]\n',
        ),
      ),
    ).toEqual(["2:102 nul-character"]);
    const dir = mkdtempSync(join(tmpdir(), "fsp-nul-"));
    writeFileSync(join(dir, "secret"), "pass\0word\n");
    const found = issuesOf([
      { name: "f.yaml", text: V + 'users: [{email: a@b.co, password: "$__file{secret}"}]\n', baseDir: dir },
    ]);
    expect(found.map((i) => i.message)).toEqual([
      '"password" contains a NUL character (\\0), which PostgreSQL cannot store in text',
    ]);
  });

  test("a lone surrogate, in either reader's text (the fast reader refuses it, `yaml` reads it)", () => {
    expect(brief(issues('features: [{name: "\\ud800", project: P}]\n'))).toEqual(["2:19 lone-surrogate"]);
    expect(brief(issues('features: [{name: "x\\udc00y", project: P}]\n'))).toEqual(["2:19 lone-surrogate"]);
    // A whole pair is one character, and fine.
    expect(issues('features: [{name: "\\ud83d\\ude80", project: P}]\n')).toEqual([]);
  });

  test("an integer beyond PostgreSQL's integer for seats; max_api_calls is a bigint", () => {
    const found = issues("organisations: [{name: A, subscription: {seats: 3000000000, max_api_calls: 3000000000}}]\n");
    expect(brief(found)).toEqual(["2:49 out-of-range"]);
    expect(found[0]!.message).toBe('"seats" must be at most 2147483647, got 3000000000');
    expect(issues("organisations: [{name: A, subscription: {seats: 2147483647}}]\n")).toEqual([]);
    expect(
      brief(issues('organisations: [{name: A, subscription: {seats: "${SEATS}"}}]\n', { SEATS: "2147483648" })),
    ).toEqual(["2:49 out-of-range"]);
  });

  test("app_domain must be a host or host:port", () => {
    for (const good of [
      "flagsmith.example.com",
      "localhost:8000",
      "10.0.0.1:80",
      "[::1]:8000",
      "flagsmith_api",
      "bücher.example",
    ]) {
      expect(isHostAndPort(good)).toBe(true);
    }
    for (const bad of ["https://x/", "x/", "x:0", "x:65536", "x y", "-x", "x..y", "user@x", ""])
      expect(isHostAndPort(bad)).toBe(false);
    const found = issues('app_domain: "https://x/"\n');
    expect(found.map((i) => `${brief([i])[0]} ${i.message}`)).toEqual([
      '2:13 bad-domain "app_domain" must be a host or host:port, like flagsmith.example.com or localhost:8000, got "https://x/"',
    ]);
  });
});

describe("invalid UTF-8 is refused at its first bad byte, not written as U+FFFD (item 5)", () => {
  test("decodeUtf8 finds the first bad byte: line, column (in characters) and offset", () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("a: 1\nb: é"), 0xff, 0x41]);
    expect(decodeUtf8(bytes).invalid).toEqual({ offset: 10, line: 2, column: 5 });
    expect(decodeUtf8(bytes).text).toBe("a: 1\nb: é\ufffdA");
    expect(decodeUtf8(new Uint8Array([0xc3]))).toEqual({ text: "\ufffd", invalid: { offset: 0, line: 1, column: 1 } });
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
    for (const bad of [
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      expect(decodeUtf8(new Uint8Array(bad)).invalid?.offset).toBe(0);
    }
    expect(decodeUtf8(new TextEncoder().encode("\ufeffé🚀")).text).toBe("\ufeffé🚀");
  });

  test("a file read from disk carries the problem, reported with the file's other problems", () => {
    const dir = mkdtempSync(join(tmpdir(), "fsp-utf8-"));
    writeFileSync(
      join(dir, "latin1.yaml"),
      Buffer.concat([
        Buffer.from(V + "organisations:\n  - name: Caf"),
        Buffer.from([0xe9]),
        Buffer.from("\n  - nme: x\n"),
      ]),
    );
    const sources = discoverSources({ files: ["latin1.yaml"], env: {}, cwd: dir });
    expect(brief(issuesOf(sources))).toEqual(["3:14 invalid-utf8", "4:5 missing-field", "4:5 unknown-key"]);
    expect(issuesOf(sources)[0]!.message).toBe("the file is not valid UTF-8: byte 43 (0xe9) does not belong here");
  });

  test("a $__file{} secret that is not UTF-8", () => {
    const dir = mkdtempSync(join(tmpdir(), "fsp-utf8-"));
    writeFileSync(join(dir, "secret"), Buffer.from([0x70, 0xe9, 0x0a]));
    const found = issuesOf([
      { name: "f.yaml", text: V + 'users: [{email: a@b.co, password: "$__file{secret}"}]\n', baseDir: dir },
    ]);
    expect(found.map((i) => `${brief([i])[0]} ${i.message}`)).toEqual([
      `2:35 invalid-utf8 "${join(dir, "secret")}" (read for $__file{secret}) is not valid UTF-8`,
    ]);
  });
});

describe("input parts of item 15", () => {
  test("a custom tag is an error, not ignored", () => {
    expect(brief(issues("users:\n  - email: !foo a@b.co\n"))).toEqual(["3:12 unknown-tag"]);
    expect(brief(issues("users: !!binary [{email: a@b.co}]\n"))).toEqual(["2:8 unknown-tag"]);
    // The core schema's own tags are fine.
    expect(issues("users: [{email: !!str a@b.co, is_superuser: !!bool true}]\n")).toEqual([]);
  });

  test("password_hash: Django's default hashers only (Flagsmith sets no PASSWORD_HASHERS)", () => {
    for (const good of [
      "pbkdf2_sha256$1000000$AHYaNqX1Vv2ETPSeOAUOMT$rUIP/yw7FBSNklBsM64Ste2TZBxPFh4haGuHjDl3G70=",
      "pbkdf2_sha1$260000$seasalt$ElCMIqUT4yNuNQov3y3odC4ESyk=",
      "argon2$argon2id$v=19$m=102400,t=2,p=8$Y041dExhNkljRUUy$TMa6A8fPJhCAUXRhJXCXdw",
      "bcrypt_sha256$$2b$12$LZSJchsWG/DrBy1erNs4eeYo6tZNlLFQmONdxN9HPesa1EyXVcTXK",
      "scrypt$16384$seasalt$8$1$Qj3+9PPyRjSJIebHnG81TMjsqtaIGxNQG/aEB/NYafTJ7tibgfYz71m0ldQESkXFRkdVCBhhY8mx7rQwite/Pw==",
      "!QWh3SgWyAuVwVHLeZZEb0QDBKJoxW3MVPDD1hhMQ",
    ]) {
      expect(isFlagsmithPasswordHash(good)).toBe(true);
    }
    for (const bad of [
      "md5$seasalt$9135274bbe810f23c6367af17b802128",
      "sha1$seasalt$cff36ea83f5706ce9aa7454e63e431fc726b2dc8",
      "bcrypt$$2b$12$LZSJchsWG/DrBy1erNs4eeYo6tZNlLFQmONdxN9HPesa1EyXVcTXK",
      "unsalted_md5$$9135274bbe810f23c6367af17b802128",
      "crypt$$ab1Hv2Lg7ltQo",
      "pbkdf2_sha256$1000000$salt",
      "pbkdf2_sha512$1000000$salt$aGFzaA==",
      "hunter2",
    ]) {
      expect(isFlagsmithPasswordHash(bad)).toBe(false);
    }
    expect(brief(issues("users: [{email: a@b.co, password_hash: md5$s$9135274bbe810f23c6367af17b802128}]\n"))).toEqual([
      "2:40 bad-password-hash",
    ]);
  });
});

describe("one run reports problems of every kind (item 5)", () => {
  test("a shape error does not hide another entity's length, permission-key and reference problems", () => {
    const found = issuesOf([
      {
        name: "a.yaml",
        text:
          V +
          "organisations:\n  - name: Acme\n    subscription: {seats: lots}\n  - name: Beta\n    permissions: [{user: a@b.co, permissions: [CREATE_PROJCT]}]\n" +
          `projects:\n  - {name: Web, organisation: Beta}\n  - {name: Mobile, organisation: Beta, features: [{name: ${"f".repeat(2001)}}, {name: g, default_enabled: maybe}]}\n`,
      },
      {
        name: "b.yaml",
        text: V + "features: [{name: h, project: Webb, organisation: Beta}]\nusers: [{email: a@b.co}]\n",
      },
    ]);
    expect(brief(found)).toEqual([
      "4:27 wrong-type", // seats: lots (organisation Acme is left out of the rules across files)
      "6:19 unknown-permission-key", // in Beta, which is fine otherwise
      "9:51 value-too-long", // a feature of Mobile
      "9:2089 wrong-type", // default_enabled: maybe (feature g left out)
      "2:12 dangling-reference", // b.yaml: Webb, did you mean Web?
    ]);
    expect(found.map((i) => i.position?.file)).toEqual(["a.yaml", "a.yaml", "a.yaml", "a.yaml", "b.yaml"]);
  });

  test("a reference to a kind some of whose declarations were left out is not called a typo", () => {
    const found = issuesOf([
      {
        name: "a.yaml",
        text:
          V +
          "projects:\n  - {name: Web, organisation: O, nope: 1}\n  - {name: Webb, organisation: O}\nfeatures: [{name: f, project: Web, organisation: O}]\n",
      },
    ]);
    expect(brief(found)).toEqual(["3:34 unknown-key"]);
    // Likewise when the entity is in a file that cannot be read at all (here: a YAML syntax error).
    const unreadable = issuesOf([
      { name: "a.yaml", text: V + "projects:\n  - {name: Web, organisation: O\n" },
      {
        name: "b.yaml",
        text: V + "projects: [{name: Webb, organisation: O}]\nfeatures: [{name: f, project: Web, organisation: O}]\n",
      },
    ]);
    expect(unreadable.map((i) => i.rule)).toEqual(["yaml-syntax"]);
  });
});

describe("problems past a bound are counted, not kept (item 11)", () => {
  test("the first ones found are listed, sorted, then one line with the count of the others", () => {
    const features = Array.from({ length: 7 }, (_, i) => `  - {name: f${i}, project: P, default_enabled: maybe}`).join(
      "\n",
    );
    let error: unknown;
    try {
      loadDesired([{ name: "f.yaml", text: `${V}features:\n${features}\n` }], {}, { maxIssues: 3 });
    } catch (e) {
      error = e;
    }
    const issues = (error as UserError).issues;
    expect(brief(issues)).toEqual([
      "3:45 wrong-type",
      "4:45 wrong-type",
      "5:45 wrong-type",
      "undefined:undefined more-issues",
    ]);
    expect(issues[3]!.message).toBe("and 4 more problems (only the first 3 are listed)");
  });
});
