import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Env, Source } from "../../src/input/source.ts";
import { schemaAccepts, schemaErrors, toolAccepts } from "../helpers/json-schema.ts";

/**
 * `flagsmith-provision schema` and the tool agree on every fixture and preset, both ways: what the tool accepts
 * the schema accepts, and what the tool refuses the schema refuses, unless the reason is one a JSON Schema cannot
 * see. Those fixtures are listed below with their reason; the list is exact (a listed fixture the schema refuses
 * fails too), so it cannot grow or go stale unnoticed.
 */
const NOT_EXPRESSIBLE: Record<string, string> = {
  "alias-bomb.yaml": "YAML: aliases that expand too much (the file is never data to validate)",
  "duplicate-key.yaml": "YAML: a key twice in one mapping (parsers keep one of them)",
  "multiple-documents.yaml": "YAML: several documents in one file",
  "yaml-syntax-error.yaml": "YAML syntax",
  "unknown-tag.yaml": "YAML: a custom tag (!foo) on a value that is fine without it",
  "ambiguous-project.yaml": "a reference: which organisations declare a project of that name",
  "dangling-reference.yaml": "a reference to a project declared nowhere",
  "dangling-reference-case.yaml": "a reference to an organisation declared nowhere",
  "dangling-reference-organisation.yaml": "a reference to an organisation declared nowhere",
  "dangling-reference-user.yaml": "a reference to a user declared nowhere",
  "conflicting-app-domain": "across files: app_domain declared twice with two values",
  "conflicting-duplicate": "across files: one organisation declared twice, differently",
  "conflicting-duplicate-in-one-file.yaml": "one user declared twice (emails compared case-insensitively), differently",
  "duplicate-username.yaml": "a value unique across users (JSON Schema compares whole items only)",
  "master-api-key-prefix-twice.yaml": "a key prefix unique across master API keys",
  "too-many-conditions.yaml": "a count over all of a segment's rules (JSON Schema cannot add up lists)",
  "bad-regex.yaml": "whether a REGEX value compiles (Python's syntax)",
  "bad-feature-name-regex.yaml": "whether feature_name_regex compiles (Python's syntax)",
  "feature-name-mismatch.yaml": "a feature name against its project's feature_name_regex",
  "misspelt-feature-environment.yaml": "a feature's environment that the project does not declare",
  "misspelt-feature-owner.yaml": "an owner that no user declares",
  "misspelt-feature-tag.yaml": "a tag the project does not declare",
  "misspelt-group-owner.yaml": "a group owner the organisation does not declare",
  "misspelt-multivariate-option.yaml": "an allocation for an option the feature does not declare",
  "misspelt-override-multivariate-option.yaml":
    "a segment override's allocation for an option the feature does not declare",
  "misspelt-override-identity.yaml": "an identity override for an identity the environment does not declare",
  "misspelt-override-segment.yaml": "a segment override for a segment the project does not declare",
  "over-allocated-environment.yaml": "a total of allocations across a mapping",
  "over-allocated-environment-defaults.yaml": "a total of allocations and of the defaults of options they leave out",
  "over-allocated-options.yaml": "a total of default allocations across a list",
  "over-allocated-segment-override.yaml": "a total of allocations across a mapping",
  "missing-variable.yaml": "the environment at run time (the variable is not set)",
  "unreadable-file-interpolation.yaml": "the file system at run time ($__file{…} names no readable file)",
};

const FIXTURES = join(import.meta.dir, "..", "fixtures");
const PRESETS = join(import.meta.dir, "..", "..", "presets");

/** A fixture file, or every file of a fixture directory (a mistake across files). */
function sourcesOf(path: string): Source[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .sort()
        .map((name) => join(path, name))
    : [path];
  return files.map((file) => ({ name: file, text: readFileSync(file, "utf8"), baseDir: join(file, "..") }));
}

/** `# env: NAME=value` header lines, as test/input/fixtures.test.ts reads them. */
function envOf(sources: Source[]): Env {
  const env: Env = {};
  for (const { text } of sources) {
    for (const match of text.matchAll(/^# env: ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)) env[match[1]!] = match[2]!;
  }
  return env;
}

/** The schema's verdict on one file as an editor reads it (YAML 1.2), or "no data" when it is not one document. */
function schemaVerdict(source: Source): "accepted" | "refused" | "no data" {
  let document: unknown;
  try {
    document = parse(source.text, { merge: true, logLevel: "silent" });
  } catch {
    return "no data";
  }
  return schemaAccepts(document) ? "accepted" : "refused";
}

describe("the JSON Schema accepts every file the tool accepts", () => {
  const valid = join(FIXTURES, "valid");
  const cases = [
    ...readdirSync(valid).map((name) => ({ label: `valid/${name}`, path: join(valid, name) })),
    ...readdirSync(PRESETS).map((name) => ({ label: `preset ${name}`, path: join(PRESETS, name, `${name}.yaml`) })),
  ].sort((a, b) => a.label.localeCompare(b.label));
  for (const { label, path } of cases) {
    test(label, () => {
      const sources = sourcesOf(path);
      expect(toolAccepts(sources, envOf(sources))).toBe(true);
      for (const source of sources) {
        const verdict = schemaVerdict(source);
        expect(verdict === "accepted" ? "" : `${verdict}: ${schemaErrors()}`).toBe("");
      }
    });
  }
});

describe("the JSON Schema refuses every file the tool refuses, for a reason it can express", () => {
  const invalid = join(FIXTURES, "invalid");
  const names = readdirSync(invalid).sort();
  test("every fixture listed as not expressible exists", () => {
    expect(Object.keys(NOT_EXPRESSIBLE).filter((name) => !names.includes(name))).toEqual([]);
  });
  for (const name of names) {
    const reason = NOT_EXPRESSIBLE[name];
    test(reason ? `${name}: not refused (${reason})` : name, () => {
      const sources = sourcesOf(join(invalid, name));
      expect(toolAccepts(sources, envOf(sources))).toBe(false);
      const verdicts = sources.map(schemaVerdict);
      if (reason) expect(verdicts).not.toContain("refused");
      else expect(verdicts).toContain("refused");
    });
  }
});
