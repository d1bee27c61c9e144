import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../src/errors.ts";
import { discoverSources, type SourceOptions } from "../../src/input/discover.ts";

const root = mkdtempSync(join(tmpdir(), "sources-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const V = 'version: "1.0"\n';
const base = (over: Partial<SourceOptions>): SourceOptions => ({ files: [], env: {}, cwd: root, ...over });
const ruleOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).issues[0]!;
  }
  throw new Error("expected a UserError");
};

// A Kubernetes ConfigMap mount: files are symlinks into a hidden timestamped folder via `..data`.
const k8s = join(root, "k8s");
mkdirSync(join(k8s, "..2024_01_01"), { recursive: true });
writeFileSync(join(k8s, "..2024_01_01", "20-b.yaml"), V);
writeFileSync(join(k8s, "..2024_01_01", "10-a.yml"), V);
symlinkSync("..2024_01_01", join(k8s, "..data"));
symlinkSync("..data/20-b.yaml", join(k8s, "20-b.yaml"));
symlinkSync("..data/10-a.yml", join(k8s, "10-a.yml"));
writeFileSync(join(k8s, ".hidden.yaml"), "not: read");
writeFileSync(join(k8s, "README.md"), "not read");
mkdirSync(join(k8s, "sub.yaml"));
writeFileSync(join(root, "one.yaml"), V);
mkdirSync(join(root, "empty"));

describe("discoverSources", () => {
  test("a directory: .yaml/.yml only, alphabetical, not recursive, dotfiles and ..data skipped", () => {
    const sources = discoverSources(base({ directory: "k8s" }));
    expect(sources.map((s) => s.name)).toEqual(["k8s/10-a.yml", "k8s/20-b.yaml"]);
    expect(sources[0]!.text).toBe(V);
    expect(sources[0]!.baseDir).toBe(k8s);
  });
  test("--file is repeatable and keeps the names as given", () => {
    expect(discoverSources(base({ files: ["one.yaml", "k8s/20-b.yaml"] })).map((s) => s.name)).toEqual([
      "one.yaml",
      "k8s/20-b.yaml",
    ]);
  });
  test("--preset loads an embedded preset; an unknown one names the valid presets", () => {
    expect(discoverSources(base({ preset: "bootstrap" }))[0]!.name).toStartWith("preset:bootstrap/");
    const issue = ruleOf(() => discoverSources(base({ preset: "nope" })));
    expect(issue.rule).toBe("unknown-preset");
    expect(issue.hint).toContain("bootstrap");
  });
  test("PROVISIONING_DIRECTORY, then ./provisioning/, then the bootstrap preset", () => {
    expect(discoverSources(base({ env: { PROVISIONING_DIRECTORY: "k8s" } })).map((s) => s.name)).toEqual([
      "k8s/10-a.yml",
      "k8s/20-b.yaml",
    ]);
    expect(discoverSources(base({}))[0]!.name).toStartWith("preset:bootstrap/");
    mkdirSync(join(root, "provisioning"));
    writeFileSync(join(root, "provisioning", "x.yaml"), V);
    expect(discoverSources(base({})).map((s) => s.name)).toEqual(["provisioning/x.yaml"]);
  });
  test("missing paths and empty directories are user errors", () => {
    expect(ruleOf(() => discoverSources(base({ files: ["missing.yaml"] }))).rule).toBe("unreadable-file");
    expect(ruleOf(() => discoverSources(base({ directory: "missing" }))).rule).toBe("missing-directory");
    expect(ruleOf(() => discoverSources(base({ directory: "empty" }))).rule).toBe("empty-directory");
    expect(ruleOf(() => discoverSources(base({ directory: "one.yaml" }))).rule).toBe("not-a-directory");
  });
});
