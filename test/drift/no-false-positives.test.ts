/**
 * Drift has no false positives (issue 11 acceptance): for every embedded preset and every valid fixture, a fresh
 * apply followed by a dry run with --detailed-exitcode reports nothing to create and no difference (exit 0, no JSON
 * drift entries, no "differ" in the summary). Generic on purpose: a preset or fixture added later is covered, and
 * so is every kind that starts comparing fields.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PRESETS } from "../../src/input/presets.ts";
import { loadDesired } from "../../src/input/index.ts";
import type { Env } from "../../src/io.ts";
import type { ApplyOptions } from "../../src/commands/options.ts";
import { availableSchemas, createTestDatabase, noticeMissingDumps, type TestDatabase } from "../helpers/database.ts";
import { applyRun, checkDrift, writeYaml } from "../helpers/drift-check.ts";

const VALID = join(import.meta.dir, "..", "fixtures", "valid");

/** `# env: NAME=value` header lines: what a fixture needs set to load. */
function envOf(text: string): Env {
  return Object.fromEntries([...text.matchAll(/^# env: ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The organisation that holds projects a fixture refers to without declaring them. */
const PRELUDE_ORGANISATION = "Prelude Organisation";

/**
 * A file declaring what a fixture refers to but does not declare (it must exist in the database: the loader's
 * warnings), so that the fixture applies alone; null when it refers to nothing undeclared.
 */
function preludeFor(name: string, text: string, env: Env): string | null {
  const { warnings } = loadDesired([{ name, text, baseDir: VALID }], env);
  if (warnings.length === 0) return null;
  const organisations = new Set<string>();
  const users: string[] = [];
  const projects: string[] = [];
  for (const { label } of warnings) {
    const [, kind, value] = /^(organisation|user|project) "(.*)"$/.exec(label) ?? [];
    if (kind === "organisation") organisations.add(value!);
    else if (kind === "user") users.push(value!);
    else if (kind === "project") projects.push(value!);
    else throw new Error(`${name}: no prelude for ${label}; teach preludeFor to declare it`);
  }
  if (projects.length > 0) organisations.add(PRELUDE_ORGANISATION);
  return JSON.stringify({
    version: "1.0",
    users: users.map((email) => ({ email })),
    organisations: [...organisations].map((o) => ({ name: o })),
    projects: projects.map((p) => ({ name: p, organisation: PRELUDE_ORGANISATION })),
  });
}

interface Case {
  name: string;
  sources: Pick<ApplyOptions, "files" | "preset">;
  env: Env;
  prelude: string | null;
}

const cases: Case[] = [
  ...PRESETS.map((p): Case => ({
    name: `preset ${p.name}`,
    sources: { files: [], preset: p.name },
    env: {},
    prelude: null,
  })),
  ...readdirSync(VALID)
    .sort()
    .map((file): Case => {
      const text = readFileSync(join(VALID, file), "utf8");
      const env = envOf(text);
      return {
        name: `fixture ${file}`,
        sources: { files: [join(VALID, file)] },
        env,
        prelude: preludeFor(file, text, env),
      };
    }),
];

noticeMissingDumps("drift no-false-positives");

// Every schema here: an older one lacks columns (settings it cannot hold are not compared, never reported).
for (const SCHEMA of availableSchemas())
  describe(`a fresh apply followed by a re-run reports no drift (${SCHEMA})`, () => {
    const databases = new Map<string, TestDatabase>();
    beforeAll(async () => {
      for (const c of cases) databases.set(c.name, await createTestDatabase(SCHEMA));
    }, 120_000);
    afterAll(() => Promise.all([...databases.values()].map((db) => db.drop())), 60_000);

    test("every preset and valid fixture is covered", () => {
      expect(cases.length).toBe(PRESETS.length + readdirSync(VALID).length);
      expect(PRESETS.length).toBeGreaterThanOrEqual(5);
    });

    for (const c of cases) {
      test(
        c.name,
        async () => {
          const db = databases.get(c.name)!;
          if (c.prelude !== null) {
            const prelude = await applyRun(db.url, { files: [writeYaml("prelude.json", c.prelude)] });
            expect(prelude.lines.at(-1)).toMatch(/^Provisioning complete: [1-9]\d* created, 0 skipped\.$/);
          }
          const first = await applyRun(db.url, c.sources, {}, c.env);
          expect(first.lines.at(-1)).toMatch(/^Provisioning complete: [1-9]\d* created, \d+ skipped\.$/);

          const { code, lines, report } = await checkDrift(db.url, c.sources, c.env);
          expect(
            report.actions.filter((a) => a.drift).map((a) => ({ kind: a.kind, name: a.name, drift: a.drift })),
          ).toEqual([]);
          expect(report.summary).toMatchObject({ created: 0, differ: 0 });
          expect(lines.filter((l) => l.includes("differs:"))).toEqual([]);
          expect(lines.at(-1)).toMatch(
            /^Dry run complete: 0 would be created, [1-9]\d* skipped\. Nothing was written\.$/,
          );
          expect(code).toBe(0);
        },
        60_000,
      );
    }
  });
