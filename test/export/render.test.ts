/**
 * The renderer (src/export) is pure: a desired state in, YAML out. These tests read its output back with the
 * loader `apply` uses, so "reads back exactly" is checked against the real thing: quoting, `${` escaping, typed
 * values, the fast YAML path, and the JSON Schema.
 */
import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { renderDocument, renderFiles, slug, type ExportContent, type ExportHeader } from "../../src/export/index.ts";
import { parseFast } from "../../src/input/yaml-fast.ts";
import { loadDesired } from "../../src/input/index.ts";
import { emptyDesired, IN_DATABASE, type Desired, type ProjectRef } from "../../src/kinds/index.ts";
import { schemaAccepts, schemaErrors } from "../helpers/json-schema.ts";

const HEADER: ExportHeader = {
  tool: "flagsmith-provision test",
  schema: "Flagsmith v2.265.0 (595 migrations applied)",
  organisations: [],
  projects: [],
  include: ["identities", "overrides", "users"],
  parts: ["identities", "overrides", "users", "password-hashes"],
};
const at = IN_DATABASE;

/** Text that YAML, interpolation or the loader's number handling would read as something else if written plainly. */
const TRICKY = [
  "",
  " ",
  "light",
  "25",
  "010",
  "-0",
  "1.50",
  "1e3",
  "0x1F",
  ".inf",
  "NaN",
  "true",
  "True",
  "yes",
  "No",
  "null",
  "~",
  "${HOME}",
  "$${HOME}",
  "$__file{/etc/passwd}",
  "$$__file{x}",
  "cost: $5",
  "a: b",
  "#hash",
  "a #b",
  "- dash",
  "[x]",
  "{y}",
  'quote"s',
  "back\\slash",
  "multi\nline",
  "tab\tchar",
  "trailing ",
  " leading",
  "ünïcödé",
  "日本語",
  "emoji 🎉",
  "<<",
  "*alias",
  "&anchor",
  "!tag",
  "%percent",
  "@at",
  "`back`",
  "'single'",
  ",comma",
  "?q",
  "|pipe",
  ">gt",
  "2024-01-01",
  "1:20",
  '{"theme": "modern", "animations": true}',
];
/** Names (also keys: environments under a feature's `environments:`). Bun's YAML reads even a quoted "<<" key as a
 * merge key, so a file with one is read by the slower `yaml` library instead (see the last test). */
const NAMES = TRICKY.filter((t) => t.trim() !== "" && t !== "<<");

function desiredWith(values: string[]): Desired {
  const d = emptyDesired();
  const project: ProjectRef = { organisation: "Org: one", name: "P #1" };
  d.organisations.push({ name: "Org: one", subscription: null, source: at });
  d.projects.push({ organisation: "Org: one", name: "P #1", settings: {}, source: at });
  values.forEach((value, i) => {
    const feature = `feature_${String(i).padStart(2, "0")}`;
    d.features.push({ project, name: feature, description: value, initialValue: value, source: at });
  });
  NAMES.forEach((name, i) => {
    const environment = { project, name };
    d.environments.push({
      project,
      name,
      description: null,
      showKey: false,
      settings: { banner_text: name },
      source: at,
    });
    d.identities.push({
      environment,
      identifier: `id-${i}`,
      traits: { [name]: name, n: i, ok: i % 2 === 0 },
      source: at,
    });
    d.featureStates.push({
      environment,
      feature: "feature_00",
      enabled: true,
      value: name,
      multivariate: {},
      source: at,
    });
    d.segments.push({
      project,
      name,
      description: null,
      rules: [
        { type: "ALL", conditions: [{ property: name, operator: "EQUAL", value: name, description: null }], rules: [] },
      ],
      source: at,
    });
  });
  return d;
}

const content = (desired: Desired): ExportContent => ({ desired, notes: [] });
const load = (text: string) => loadDesired([{ name: "export.yaml", text }], {}).desired;

describe("rendered YAML reads back exactly", () => {
  const text = renderDocument(content(desiredWith(TRICKY)), HEADER);
  const loaded = load(text);

  test("every text value, name and key, whatever its characters", () => {
    expect(loaded.features.map((f) => f.initialValue)).toEqual(TRICKY);
    expect(loaded.features.map((f) => f.description)).toEqual(TRICKY);
    expect(loaded.environments.map((e) => e.name).sort()).toEqual([...NAMES].sort());
    expect(loaded.environments.map((e) => e.settings.banner_text).sort()).toEqual([...NAMES].sort());
    expect(loaded.featureStates.map((s) => s.value).sort()).toEqual([...NAMES].sort());
    // Stored as ALL[condition]: not the dashboard's shape, so written as_written and read back as such.
    expect(loaded.segments.map((s) => s.rules[0]!.conditions.map((c) => [c.property, c.value])[0])).toEqual(
      [...NAMES].sort(compare).map((n) => [n, n]),
    );
    for (const identity of loaded.identities) {
      const i = Number(identity.identifier.slice(3));
      expect(identity.traits).toEqual({ [NAMES[i]!]: NAMES[i]!, n: i, ok: i % 2 === 0 });
    }
  });

  test("on the loader's fast path, and valid against the JSON Schema", () => {
    expect(parseFast(text)).not.toBeNull();
    expect(parseFast(text)!.value).toEqual(parse(text));
    expect(schemaAccepts(parse(text))).toBe(true);
    if (!schemaAccepts(parse(text))) console.error(schemaErrors());
  });

  test("the same state renders to the same bytes, in whatever order it was read", () => {
    const reversed = desiredWith(TRICKY);
    for (const list of Object.values(reversed)) if (Array.isArray(list)) list.reverse();
    // Features keep names by index, so their order is the only thing that changed.
    expect(renderDocument(content(reversed), HEADER)).toBe(text);
  });
});

test("typed values: integers and booleans as YAML scalars, other text quoted where needed", () => {
  const d = emptyDesired();
  const project = { organisation: "O", name: "P" };
  d.organisations.push({ name: "O", subscription: null, source: at });
  d.projects.push({ organisation: "O", name: "P", settings: {}, source: at });
  const values = ["25", "-3", "True", "False", "true", "010", "1.5", "light"];
  values.forEach((v, i) => d.features.push({ project, name: `f${i}`, initialValue: v, source: at }));
  const text = renderDocument(content(d), HEADER);
  expect(text.match(/initial_value: .*/g)).toEqual([
    "initial_value: 25",
    "initial_value: -3",
    "initial_value: true",
    "initial_value: false",
    'initial_value: "true"',
    'initial_value: "010"',
    'initial_value: "1.5"',
    "initial_value: light",
  ]);
  expect(load(text).features.map((f) => f.initialValue)).toEqual(values);
});

test("the header says what was exported, from which schema, and what was left out; never a date", () => {
  const d = emptyDesired();
  d.organisations.push({ name: "O", subscription: null, source: at });
  const text = renderDocument(
    { desired: d, notes: [{ organisation: "O", text: "audit log entries: 3" }] },
    { ...HEADER, organisations: ["O"], include: [] },
  );
  expect(text.split('version: "1.0"')[0]).toBe(
    [
      "# Exported by flagsmith-provision test from a Flagsmith database: Flagsmith v2.265.0 (595 migrations applied).",
      '# Scope: organisations "O".',
      "# Included: no optional part; not included (--include): identities, overrides, users, password-hashes.",
      "# Contents: 1 organisation, 0 projects, 0 environments, 0 features, 0 segments, 0 users, 0 identities, 0 master API keys.",
      "# Secrets are not exported: master API keys by name only, no environment keys.",
      "# Left out or written differently, as the format cannot hold it:",
      "#   - audit log entries: 3",
      "",
    ].join("\n"),
  );
  expect(text).not.toMatch(/20\d\d-\d\d-\d\d/);
});

describe("--output-dir files", () => {
  test("one per organisation and per project, named by slugs; colliding slugs get a hash of the name", () => {
    const d = emptyDesired();
    for (const name of ["Acme, Inc.", "acme inc", "Ünïcode Org"])
      d.organisations.push({ name, subscription: null, source: at });
    d.projects.push({ organisation: "Acme, Inc.", name: "Web App", settings: {}, source: at });
    d.projects.push({ organisation: "Ünïcode Org", name: "日本", settings: {}, source: at });
    d.appDomain = { value: "flags.example.com", source: at };
    const names = renderFiles(content(d), HEADER).map((f) => f.name);
    expect(names).toEqual([
      expect.stringMatching(/^acme-inc-[0-9a-z]{7}\.yaml$/),
      expect.stringMatching(/^acme-inc-[0-9a-z]{7}--web-app\.yaml$/),
      expect.stringMatching(/^acme-inc-[0-9a-z]{7}\.yaml$/),
      "unicode-org.yaml",
      "unicode-org--日本.yaml",
      "_instance.yaml",
    ]);
    expect(new Set(names).size).toBe(names.length);
    expect(renderFiles(content(d), HEADER).map((f) => f.name)).toEqual(names);
  });

  test("slugs: lower case, letters and digits, one dash for anything else", () => {
    expect(slug("Flagsmith on Flagsmith")).toBe("flagsmith-on-flagsmith");
    expect(slug("  --Résumé_2024!! ")).toBe("resume-2024");
    expect(slug("!!!")).toBe("unnamed");
  });
});

test('an environment named "<<" reads back too (by the `yaml` library: Bun takes a quoted "<<" key for a merge)', () => {
  const d = desiredWith([]);
  const project = d.projects[0]!;
  d.environments.push({ project, name: "<<", description: null, showKey: false, settings: {}, source: at });
  d.features.push({ project, name: "f", source: at });
  d.featureStates.push({
    environment: { project, name: "<<" },
    feature: "f",
    enabled: true,
    value: null,
    multivariate: {},
    source: at,
  });
  const text = renderDocument(content(d), HEADER);
  expect(parseFast(text)).toBeNull();
  expect(load(text).featureStates.find((s) => s.environment.name === "<<")?.enabled).toBe(true);
});

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
