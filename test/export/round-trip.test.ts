/**
 * Issue 12's round trip: every preset, every valid fixture and the api-content reference are applied to an empty
 * v2.265.0 database A; A is exported with everything included; the export is applied to another empty database B
 * and B is exported again. The two exports are byte-identical, and fidelity.py finds no difference between A and B:
 * its snapshots already reduce ids to the rows they name and generated secrets (master API keys, environment keys,
 * unusable passwords) to their format, which are the only things allowed to differ.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { PRESETS } from "../../src/input/presets.ts";
import { schemaAccepts } from "../helpers/json-schema.ts";
import { availableSchemas, createTestDatabase, schemaFile } from "../helpers/database.ts";
import { applyTo, diffSnapshots, exportOf, fixtureEnv, saveExport, snapshot } from "../helpers/export.ts";
import { FIDELITY, REFERENCE_DIR } from "../helpers/fidelity.ts";

const available = schemaFile("v2.265.0") !== null && existsSync(FIDELITY);
if (!available)
  console.warn("NOTICE: export round trip: ../shared (v2.265.0 dump, fidelity.py) not found; round trips skipped.");

const VALID = join(import.meta.dir, "..", "fixtures", "valid");
const ACME = `organisations: [{ name: Acme Corp }]\n`;
const WEB_APP = `${ACME}projects: [{ name: Web App, organisation: Acme Corp }]\n`;
/**
 * Fixtures that are parts of a larger set (the docs' fragments) name entities another file declares: those are
 * applied first, in a run of their own, so that the fixture meets them as existing rows.
 */
const COMPANIONS: Record<string, string> = {
  "docs-segment.yaml": WEB_APP,
  "docs-environment.yaml": WEB_APP,
  "docs-feature.yaml": WEB_APP,
  "docs-project.yaml": ACME,
  "docs-entity-references-20-projects.yaml": ACME,
  "docs-master-api-key.yaml": ACME,
  "docs-flagsmith-on-flagsmith.yaml": `organisations: [{ name: Default Organisation }]\n`,
  "docs-organisation.yaml": `users: [{ email: admin@example.com }, { email: developer@example.com }]\n`,
};

interface Case {
  name: string;
  preset?: string;
  files?: string[];
  companion?: string;
}

const CASES: Case[] = [
  ...PRESETS.map((p) => ({ name: `preset ${p.name}`, preset: p.name })),
  ...readdirSync(VALID)
    .sort()
    .map((f) => ({ name: `fixture ${f}`, files: [join(VALID, f)], companion: COMPANIONS[f] })),
  { name: "api-content.yaml", files: [join(REFERENCE_DIR, "api-content.yaml")] },
];

describe.skipIf(!available)("export round trip: apply → export → apply → export", () => {
  const scratch = mkdtempSync(join(tmpdir(), "fsp-export-rt-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  for (const c of CASES) {
    test(
      c.name,
      async () => {
        const a = await createTestDatabase("v2.265.0");
        const b = await createTestDatabase("v2.265.0");
        try {
          const slug = c.name.replace(/\W+/g, "-");
          if (c.companion) {
            const companion = join(scratch, `${slug}.companion.yaml`);
            writeFileSync(companion, `version: "1.0"\n${c.companion}`);
            await applyTo(a.url, { files: [companion] });
          }
          const applied = await applyTo(a.url, { ...c, env: c.files ? fixtureEnv(c.files) : {} });
          expect(applied.at(-1)).toMatch(/^Provisioning complete: [1-9]\d* created/);

          const first = await exportOf(a.url);
          await applyTo(b.url, { files: [saveExport(scratch, `${slug}.yaml`, first)] });
          const second = await exportOf(b.url);
          expect(second).toBe(first);
          // Nothing was left out: everything the files declared is in the format.
          expect(first).toContain("# Nothing read was left out");
          expect(schemaAccepts(parse(first))).toBe(true);

          const [snapA, snapB] = await Promise.all([
            snapshot(a.url, scratch, `${slug}-a`),
            snapshot(b.url, scratch, `${slug}-b`),
          ]);
          const { out, tables } = diffSnapshots(snapA, snapB);
          expect({ differences: [...tables.keys()], out: tables.size ? out : "" }).toEqual({
            differences: [],
            out: "",
          });
        } finally {
          await Promise.all([a.drop(), b.drop()]);
        }
      },
      60_000,
    );
  }
});

// The older supported schema (v2.203.0: no mv_hashing_salt, rules_data, system_traits…) and our fixture schema (no
// audit log or integration tables): the export reads what each has, and the round trip holds there too.
const OTHERS = availableSchemas().filter((s) => s !== "v2.265.0");
describe("export round trip on the other schemas (byte-identical exports)", () => {
  for (const schema of OTHERS)
    for (const preset of ["dev", "e2e", "demo"])
      test(`${schema}: preset ${preset}`, async () => {
        const a = await createTestDatabase(schema);
        const b = await createTestDatabase(schema);
        const scratch = mkdtempSync(join(tmpdir(), "fsp-export-rt-"));
        try {
          await applyTo(a.url, { preset });
          const first = await exportOf(a.url);
          await applyTo(b.url, { files: [saveExport(scratch, "export.yaml", first)] });
          expect(await exportOf(b.url)).toBe(first);
          expect(first).toContain("# Nothing read was left out");
        } finally {
          await Promise.all([a.drop(), b.drop()]);
          rmSync(scratch, { recursive: true, force: true });
        }
      }, 60_000);
});
