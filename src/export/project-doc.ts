/**
 * A project as a file nests it: settings, tags, permissions, environments (settings, permissions, identities),
 * segments and features. Lists sorted by their key, except what has an order of its own (rules and conditions,
 * multivariate options, segment overrides: see feature-doc.ts).
 */
import {
  environmentKey,
  ENVIRONMENT_SETTINGS,
  PROJECT_SETTINGS,
  projectKey,
  shorthandOf,
  userKey,
  type DesiredEnvironment,
  type DesiredIdentity,
  type DesiredProject,
  type DesiredSegment,
  type SegmentRule,
} from "../kinds/index.ts";
import { featureDoc } from "./feature-doc.ts";
import { sortedBy, type GroupedDesired } from "./group.ts";
import { ifTrue, keys, mapping, nonEmpty } from "./organisation-doc.ts";
import { Inline, type Mapping } from "./yaml-writer.ts";

export function projectDoc(p: DesiredProject, g: GroupedDesired): Mapping {
  const key = projectKey(p);
  const tags = sortedBy(g.tags.of(key), (t) => t.label);
  const permissions = sortedBy(
    g.projectPermissions.of(key),
    (x) => userKey(x.email),
    (x) => x.email,
  );
  const environments = sortedBy(g.environments.of(key), (e) => e.name);
  const segments = sortedBy(g.segments.of(key), (s) => s.name);
  const features = sortedBy(
    g.features.of(key),
    (f) => f.name.toLowerCase(),
    (f) => f.name,
  );
  return mapping([
    ["name", p.name],
    ["organisation", p.organisation],
    ...PROJECT_SETTINGS.map((field): [string, string | boolean | undefined] => [field, p.settings[field] ?? undefined]),
    [
      "tags",
      nonEmpty(
        tags.map(
          (t) =>
            new Inline(
              mapping([
                ["label", t.label],
                ["color", t.color],
                ["description", t.description],
              ]),
            ),
        ),
      ),
    ],
    ["permissions", nonEmpty(permissions.map(permissionDoc))],
    ["environments", nonEmpty(environments.map((e) => environmentDoc(e, g)))],
    ["segments", nonEmpty(segments.map(segmentDoc))],
    ["features", nonEmpty(features.map((f) => featureDoc(f, g)))],
  ]);
}

function permissionDoc(p: { email: string; admin?: boolean; permissions: string[] }): Mapping {
  return mapping([
    ["user", p.email],
    ["admin", ifTrue(p.admin ?? false)],
    ["permissions", keys(p.permissions)],
  ]);
}

function environmentDoc(e: DesiredEnvironment, g: GroupedDesired): Mapping {
  const key = environmentKey(e);
  const permissions = sortedBy(
    g.environmentPermissions.of(key),
    (x) => userKey(x.email),
    (x) => x.email,
  );
  const identities = sortedBy(g.identities.of(key), (i) => i.identifier);
  return mapping([
    ["name", e.name],
    ["description", e.description],
    ...ENVIRONMENT_SETTINGS.map(([field, column]): [string, string | boolean | undefined] => [
      field,
      e.settings[column] ?? undefined,
    ]),
    ["permissions", nonEmpty(permissions.map(permissionDoc))],
    ["identities", nonEmpty(identities.map(identityDoc))],
  ]);
}

function identityDoc(i: DesiredIdentity): Mapping | Inline {
  const traits = sortedBy(Object.keys(i.traits), (k) => k).map((k): [string, string | number | boolean] => [
    k,
    i.traits[k]!,
  ]);
  if (traits.length === 0) return new Inline(mapping([["identifier", i.identifier]]));
  return mapping([
    ["identifier", i.identifier],
    ["traits", traits.length <= 4 ? new Inline(new Map(traits)) : new Map(traits)],
  ]);
}

/** The shorthand when it gives back exactly the stored rules, else the rules as stored with `rules_shape: as_written`. */
function segmentDoc(s: DesiredSegment): Mapping {
  const shorthand = shorthandOf(s.rules);
  return mapping([
    ["name", s.name],
    ["description", s.description],
    ["rules_shape", shorthand ? undefined : "as_written"],
    ["rules", (shorthand ?? s.rules).map(ruleDoc)],
  ]);
}

function ruleDoc(rule: SegmentRule): Mapping {
  return mapping([
    ["type", rule.type],
    [
      "conditions",
      nonEmpty(
        rule.conditions.map(
          (c) =>
            new Inline(
              mapping([
                ["property", c.property],
                ["operator", c.operator],
                ["value", c.value],
                ["description", c.description],
              ]),
            ),
        ),
      ),
    ],
    ["rules", nonEmpty(rule.rules.map(ruleDoc))],
  ]);
}
