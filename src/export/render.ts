/**
 * Desired state → provisioning YAML (contract §6): one document for stdout, or one file per organisation and per
 * project for --output-dir. Deterministic: the same state gives the same bytes (sorted lists, a fixed layout, and a
 * header without a date). The header says what was exported, from which schema, and what the format could not hold.
 */
import { userKey, type Desired } from "../kinds/index.ts";
import { groupDesired, sortedBy, type GroupedDesired } from "./group.ts";
import { masterApiKeyDoc, organisationDoc, sortedUsers, userDoc } from "./organisation-doc.ts";
import { projectDoc } from "./project-doc.ts";
import { fileNames } from "./file-names.ts";
import { writeMapping, type Mapping, type Node } from "./yaml-writer.ts";

/** What was asked for and where it came from, for the header. */
export interface ExportHeader {
  /** e.g. "flagsmith-provision 0.1.0" */
  tool: string;
  /** e.g. "Flagsmith v2.265.0 (595 migrations applied)" */
  schema: string;
  organisations: readonly string[];
  projects: readonly string[];
  /** The optional parts included, and every optional part there is. */
  include: readonly string[];
  parts: readonly string[];
}

/** What export read: the desired state and notes on what it left out (organisation null: instance-wide). */
export interface ExportContent {
  desired: Desired;
  notes: ReadonlyArray<{ organisation: string | null; text: string }>;
}

export interface ExportFile {
  name: string;
  text: string;
}

const q = (name: string) => JSON.stringify(name);

/** Everything in one document. */
export function renderDocument(content: ExportContent, header: ExportHeader): string {
  const { desired, notes } = content;
  const g = groupDesired(desired);
  return text(
    [...headerLines(header, desired), ...notesLines(notes.map((n) => n.text))],
    new Map<string, Node>([
      ...(desired.appDomain ? [["app_domain", desired.appDomain.value] as [string, Node]] : []),
      ["users", sortedUsers(desired.users).map(userDoc)],
      ["organisations", sortedBy(desired.organisations, (o) => o.name).map((o) => organisationDoc(o, g))],
      ["master_api_keys", masterKeys(desired, g, null)],
      [
        "projects",
        sortedBy(
          desired.projects,
          (p) => p.organisation,
          (p) => p.name,
        ).map((p) => projectDoc(p, g)),
      ],
    ]),
  );
}

/**
 * One file per organisation (its users, settings, members, groups, permissions, master API keys, and the notes about
 * it), one per project, and `_instance.yaml` for what belongs to no organisation (app_domain, users of none).
 */
export function renderFiles(content: ExportContent, header: ExportHeader): ExportFile[] {
  const { desired, notes } = content;
  const g = groupDesired(desired);
  const names = fileNames(desired);
  const instanceNotes = notes.filter((n) => n.organisation === null).map((n) => n.text);
  const placed = new Set<string>();
  const files: ExportFile[] = [];
  for (const o of sortedBy(desired.organisations, (x) => x.name)) {
    const named = usersOf(g, desired, o.name);
    const users = sortedUsers(desired.users.filter((u) => named.has(userKey(u.email))));
    users.forEach((u) => placed.add(userKey(u.email)));
    const own = notes.filter((n) => n.organisation === o.name).map((n) => n.text);
    files.push({
      name: names.organisation(o.name),
      text: text(
        [
          ...headerLines(header, desired),
          `# This file: organisation ${q(o.name)}.`,
          ...notesLines([...own, ...instanceNotes]),
        ],
        new Map<string, Node>([
          ["users", users.map(userDoc)],
          ["organisations", [organisationDoc(o, g)]],
          ["master_api_keys", masterKeys(desired, g, o.name)],
        ]),
      ),
    });
    for (const p of sortedBy(g.projects.of(o.name), (x) => x.name))
      files.push({
        name: names.project(o.name, p.name),
        text: text(
          [...headerLines(header, desired), `# This file: project ${q(p.name)} of organisation ${q(o.name)}.`],
          new Map<string, Node>([["projects", [projectDoc(p, g)]]]),
        ),
      });
  }
  const rest = sortedUsers(desired.users.filter((u) => !placed.has(userKey(u.email))));
  if (desired.appDomain || rest.length)
    files.push({
      name: names.instance,
      text: text(
        [
          ...headerLines(header, desired),
          "# This file: what belongs to no organisation.",
          ...notesLines(instanceNotes),
        ],
        new Map<string, Node>([
          ...(desired.appDomain ? [["app_domain", desired.appDomain.value] as [string, Node]] : []),
          ["users", rest.map(userDoc)],
        ]),
      ),
    });
  return files;
}

/** The header's comment lines, then `version`, then the lists that have entries. */
function text(comments: string[], body: Mapping): string {
  const lines = [...comments, 'version: "1.0"'];
  writeMapping(new Map([...body].filter(([, v]) => !Array.isArray(v) || v.length > 0)), 0, lines);
  return lines.join("\n") + "\n";
}

function masterKeys(desired: Desired, g: GroupedDesired, organisation: string | null) {
  const keys = organisation === null ? desired.masterApiKeys : g.masterApiKeys.of(organisation);
  return sortedBy(
    keys,
    (k) => k.organisation,
    (k) => k.name,
  ).map(masterApiKeyDoc);
}

/** The users an organisation's content names, by key: members, group members, permissions and feature owners. */
function usersOf(g: GroupedDesired, desired: Desired, organisation: string): Set<string> {
  const projects = desired.projects.filter((p) => p.organisation === organisation);
  const inProjects = (p: { organisation: string | null }) => p.organisation === organisation;
  return new Set(
    [
      ...g.memberships.of(organisation),
      ...desired.groupMembers.filter((m) => m.organisation === organisation),
      ...g.organisationPermissions.of(organisation),
      ...(projects.length ? desired.projectPermissions.filter((p) => inProjects(p.project)) : []),
      ...(projects.length ? desired.environmentPermissions.filter((p) => inProjects(p.environment.project)) : []),
      ...(projects.length ? desired.featureOwners.filter((o) => inProjects(o.project)) : []),
    ].map((x) => userKey(x.email)),
  );
}

function headerLines(header: ExportHeader, desired: Desired): string[] {
  const scope = [
    header.organisations.length ? `organisations ${header.organisations.map(q).join(", ")}` : "",
    header.projects.length ? `projects ${header.projects.map(q).join(", ")}` : "",
  ].filter(Boolean);
  const left = header.parts.filter((p) => !header.include.includes(p));
  const count = (n: number, one: string, many = one + "s") => `${n} ${n === 1 ? one : many}`;
  return [
    `# Exported by ${header.tool} from a Flagsmith database: ${header.schema}.`,
    `# Scope: ${scope.length ? scope.join("; ") : "every organisation and project"}.`,
    `# Included: ${header.include.length ? header.include.join(", ") : "no optional part"}${left.length ? `; not included (--include): ${left.join(", ")}` : ""}.`,
    `# Contents: ${[
      count(desired.organisations.length, "organisation"),
      count(desired.projects.length, "project"),
      count(desired.environments.length, "environment"),
      count(desired.features.length, "feature"),
      count(desired.segments.length, "segment"),
      count(desired.users.length, "user"),
      count(desired.identities.length, "identity", "identities"),
      count(desired.masterApiKeys.length, "master API key"),
    ].join(", ")}.`,
    "# Secrets are not exported: master API keys by name only, no environment keys.",
  ];
}

function notesLines(notes: readonly string[]): string[] {
  if (notes.length === 0) return ["# Nothing read was left out: the format holds all of it."];
  return [
    "# Left out or written differently, as the format cannot hold it:",
    ...[...new Set(notes)].map((n) => `#   - ${n}`),
  ];
}
