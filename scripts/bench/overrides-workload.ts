/**
 * The benchmark's workload with flag content (PROVISIONING.md §5): the large workload's projects, environments,
 * features and segments, plus, for the first `overridden` features of each project and in every environment, a
 * per-environment state, two segment overrides (list order = priority) and two identity overrides, the
 * identities declared under their environment. 10 × 10 × 1000 with 50 overridden features gives 100k
 * environment states, 10k segment overrides, 10k identity overrides and 10k identities.
 *
 * Written line by line to each project's file, so no document is held in memory.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { featureFields, pad, q, segmentLines, writeOrganisationFile, type WorkloadShape } from "./workload.ts";

export interface OverridesShape extends WorkloadShape {
  /** Features per project that carry content in every environment (the first ones, so every feature type). */
  overridden: number;
}

export interface OverridesCounts {
  features: number;
  segments: number;
  /** One per feature and environment, as in the large workload. */
  environmentStates: number;
  segmentOverrides: number;
  identityOverrides: number;
  identities: number;
}

const SEGMENT_OVERRIDES = 2;
const IDENTITY_OVERRIDES = 2;

/** Buffers lines and writes them out in blocks of about 64 KB. */
class LineWriter {
  private readonly fd: number;
  private buffer = "";
  constructor(path: string) {
    this.fd = openSync(path, "w");
  }
  line(text: string): void {
    this.buffer += text + "\n";
    if (this.buffer.length >= 65_536) this.flush();
  }
  private flush(): void {
    writeSync(this.fd, this.buffer);
    this.buffer = "";
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

const environmentName = (e: number) => `Environment ${pad(e, 2)}`;
const identifier = (i: number) => `user-${pad(i)}`;

/** The §5 content of feature f in environment e: its state, then its overrides. */
function writeContent(out: LineWriter, f: number, e: number, segments: number): void {
  out.line(`          ${q(environmentName(e))}:`);
  out.line(`            enabled: ${e % 2 === 0}`);
  out.line(`            value: ${q(`env-${pad(e, 2)}`)}`);
  out.line(`            segment_overrides:`);
  for (let k = 0; k < SEGMENT_OVERRIDES; k++) {
    const segment = q(`segment_${pad((f * SEGMENT_OVERRIDES + k) % segments, 3)}`);
    const value = k === 0 ? `, value: ${q(`seg-${pad(f)}-${e}`)}` : "";
    out.line(`              - { segment: ${segment}, enabled: ${k === 0}${value} }`);
  }
  out.line(`            identity_overrides:`);
  for (let k = 0; k < IDENTITY_OVERRIDES; k++) {
    const who = q(identifier(f * IDENTITY_OVERRIDES + k));
    const value = k === 0 ? `, value: ${q(`id-${pad(f)}-${e}`)}` : "";
    out.line(`              - { identifier: ${who}, enabled: ${k === 0}${value} }`);
  }
}

function writeProject(path: string, p: number, shape: OverridesShape, organisation: string): void {
  const out = new LineWriter(path);
  out.line(`version: "1.0"`);
  out.line(`projects:`);
  out.line(`  - name: ${q(`Project ${pad(p, 2)}`)}`);
  out.line(`    organisation: ${q(organisation)}`);
  out.line(`    environments:`);
  for (let e = 0; e < shape.environments; e++) {
    out.line(`      - name: ${q(environmentName(e))}`);
    out.line(`        identities:`);
    for (let i = 0; i < shape.overridden * IDENTITY_OVERRIDES; i++)
      out.line(`          - { identifier: ${q(identifier(i))} }`);
  }
  out.line(`    features:`);
  for (let f = 0; f < shape.features; f++) {
    const fields = featureFields(f);
    if (f >= shape.overridden) {
      out.line(`      - { ${fields.join(", ")} }`);
      continue;
    }
    out.line(`      - ${fields[0]}`);
    for (const field of fields.slice(1)) out.line(`        ${field}`);
    out.line(`        environments:`);
    for (let e = 0; e < shape.environments; e++) writeContent(out, f, e, shape.segments);
  }
  out.line(`    segments:`);
  for (let s = 0; s < shape.segments; s++) for (const line of segmentLines(s)) out.line(line);
  out.close();
}

/** Writes the workload into dir (created if needed) and returns what it should create. */
export function writeOverridesWorkload(dir: string, shape: OverridesShape): OverridesCounts {
  if (shape.overridden > shape.features) throw new Error("overrides workload: more overridden features than features");
  if (shape.segments < SEGMENT_OVERRIDES)
    throw new Error(`overrides workload: needs ${SEGMENT_OVERRIDES} segments or more`);
  const organisation = shape.organisation ?? "Bench Org";
  writeOrganisationFile(dir, organisation);
  for (let p = 0; p < shape.projects; p++)
    writeProject(join(dir, `${pad(p + 1, 2)}-project.yaml`), p, shape, organisation);
  const contentPairs = shape.projects * shape.overridden * shape.environments;
  return {
    features: shape.projects * shape.features,
    segments: shape.projects * shape.segments,
    environmentStates: shape.projects * shape.environments * shape.features,
    segmentOverrides: contentPairs * SEGMENT_OVERRIDES,
    identityOverrides: contentPairs * IDENTITY_OVERRIDES,
    identities: shape.projects * shape.environments * shape.overridden * IDENTITY_OVERRIDES,
  };
}
