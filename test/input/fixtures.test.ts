import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../src/errors.ts";
import { loadDesired } from "../../src/input/index.ts";
import type { Env, Source } from "../../src/input/source.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures");

/** A fixture file, or a folder of files loaded together (for mistakes that need two files). */
function sourcesOf(path: string): Source[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .sort()
        .map((name) => join(path, name))
    : [path];
  return files.map((file) => ({
    name: file
      .slice(path.length - (statSync(path).isDirectory() ? 0 : file.split("/").pop()!.length))
      .replace(/^\//, ""),
    text: readFileSync(file, "utf8"),
    baseDir: join(file, ".."),
  }));
}

/** `# env: NAME=value` header lines. */
function envOf(sources: Source[]): Env {
  const env: Env = {};
  for (const { text } of sources) {
    for (const match of text.matchAll(/^# env: ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)) env[match[1]!] = match[2]!;
  }
  return env;
}

describe("valid fixtures", () => {
  const dir = join(FIXTURES, "valid");
  for (const name of readdirSync(dir).sort()) {
    test(name, () => {
      const sources = sourcesOf(join(dir, name));
      const { desired } = loadDesired(sources, envOf(sources));
      expect(
        desired.users.length +
          desired.organisations.length +
          desired.projects.length +
          desired.environments.length +
          desired.features.length +
          desired.segments.length +
          desired.masterApiKeys.length,
      ).toBeGreaterThan(0);
    });
  }
});

describe("invalid fixtures: one mistake each, reported with rule, position and hint", () => {
  const dir = join(FIXTURES, "invalid");
  const names = readdirSync(dir).sort();
  test("there are at least 45", () => expect(names.length).toBeGreaterThanOrEqual(45));
  for (const name of names) {
    test(name, () => {
      const sources = sourcesOf(join(dir, name));
      const header = sources[0]!.text.split("\n", 1)[0]!;
      const match = /^# expect: ([a-z-]+) at (?:(\S+):)?(\d+):(\d+) — (.+)$/.exec(header);
      expect(match).not.toBeNull();
      const [, rule, file, line, column, text] = match!;
      let error: unknown;
      try {
        loadDesired(sources, envOf(sources));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      const issues = (error as UserError).issues;
      expect(issues.map((i) => i.rule)).toEqual([rule!]);
      const issue = issues[0]!;
      expect(issue.position).toEqual({ file: file ?? sources[0]!.name, line: Number(line), column: Number(column) });
      expect(issue.message).toContain(text!);
      expect(issue.hint?.length ?? 0).toBeGreaterThan(5);
      expect((error as UserError).message).not.toMatch(/\n\s+at /);
    });
  }
});
