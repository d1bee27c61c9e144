/**
 * Generated provisioning workloads for the benchmark and the whole-process tests: one organisation
 * (00-organisation.yaml) and one file per project, each project with its environments, features and
 * segments nested, the shape an operator with a large instance would write.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** How big a workload is. features and segments are per project. */
export interface WorkloadShape {
  projects: number;
  environments: number;
  features: number;
  segments: number;
  /** Organisation name (default "Bench Org"). */
  organisation?: string;
}

/** What a shape should produce in the database: rows the tests count and the report's "created". */
export interface WorkloadCounts {
  projects: number;
  environments: number;
  features: number;
  segments: number;
  featureStates: number;
  /** Reported entities: organisation, user, projects, environments, features, segments. */
  reported: number;
}

/** The entity counts a shape implies. */
export function countsOf(shape: WorkloadShape): WorkloadCounts {
  const environments = shape.projects * shape.environments;
  const features = shape.projects * shape.features;
  const segments = shape.projects * shape.segments;
  return {
    projects: shape.projects,
    environments,
    features,
    segments,
    featureStates: shape.projects * shape.environments * shape.features,
    reported: 2 + shape.projects + environments + features + segments,
  };
}

export const pad = (n: number, width = 4) => String(n).padStart(width, "0");
/** A YAML double-quoted scalar (JSON's string syntax is a subset of it). */
export const q = (s: string) => JSON.stringify(s);

/** A mix of flags and remote config, so the server-side value typing sees every type: the fields as `key: value`. */
export function featureFields(i: number): string[] {
  const name = `name: ${q(`feature_${pad(i)}`)}`;
  switch (i % 4) {
    case 0:
      return [name, `default_enabled: true`];
    case 1:
      return [name, `initial_value: ${q(String(i % 50))}`];
    case 2:
      return [name, `default_enabled: true`, `initial_value: "true"`, `description: "a boolean remote config"`];
    default:
      return [name, `initial_value: ${q(`variant-${i % 7}`)}`];
  }
}

const featureLine = (i: number) => `      - { ${featureFields(i).join(", ")} }`;

/** Three conditions in one ALL rule, plus a nested ANY rule for every third segment. */
export function segmentLines(i: number): string[] {
  const lines = [
    `      - name: ${q(`segment_${pad(i, 3)}`)}`,
    `        rules:`,
    `          - type: ALL`,
    `            conditions:`,
    `              - { property: plan, operator: EQUAL, value: ${q(`plan-${i}`)} }`,
    `              - { property: age, operator: GREATER_THAN_INCLUSIVE, value: ${q(String(18 + (i % 40)))} }`,
    `              - { property: country, operator: IN, value: [de, fr, ${q(`c${i}`)}] }`,
  ];
  if (i % 3 === 0) {
    lines.push(
      `            rules:`,
      `              - type: ANY`,
      `                conditions:`,
      `                  - { property: beta, operator: IS_SET }`,
      `                  - { property: id, operator: PERCENTAGE_SPLIT, value: "25" }`,
    );
  }
  return lines;
}

function projectFile(p: number, shape: WorkloadShape, organisation: string): string {
  const lines = [
    `version: "1.0"`,
    `projects:`,
    `  - name: ${q(`Project ${pad(p, 2)}`)}`,
    `    organisation: ${q(organisation)}`,
    `    environments:`,
  ];
  for (let e = 0; e < shape.environments; e++) lines.push(`      - { name: ${q(`Environment ${pad(e, 2)}`)} }`);
  if (shape.features > 0) lines.push(`    features:`);
  for (let f = 0; f < shape.features; f++) lines.push(featureLine(f));
  if (shape.segments > 0) lines.push(`    segments:`);
  for (let s = 0; s < shape.segments; s++) lines.push(...segmentLines(s));
  return lines.join("\n") + "\n";
}

/** Writes dir/00-organisation.yaml (dir created if needed): the organisation and its admin. */
export function writeOrganisationFile(dir: string, organisation: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "00-organisation.yaml"),
    [
      `version: "1.0"`,
      `users:`,
      `  - { email: bench-admin@example.com, is_superuser: true, password_hash: "pbkdf2_sha256$1000000$bench$Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=" }`,
      `organisations:`,
      `  - name: ${q(organisation)}`,
      `    members: [{ email: bench-admin@example.com, role: ADMIN }]`,
      ``,
    ].join("\n"),
  );
}

/** Writes the workload's YAML files into dir (created if needed) and returns what it should create. */
export function writeWorkload(dir: string, shape: WorkloadShape): WorkloadCounts {
  const organisation = shape.organisation ?? "Bench Org";
  writeOrganisationFile(dir, organisation);
  for (let p = 0; p < shape.projects; p++)
    writeFileSync(join(dir, `${pad(p + 1, 2)}-project.yaml`), projectFile(p, shape, organisation));
  return countsOf(shape);
}
