/**
 * A feature as a file declares it, with its content per environment (contract §5). Values are written as typed text
 * (Typed: `25`, `true`, `light`), which the loader types exactly as Flagsmith does. Multivariate options stay in
 * the order they were added and segment overrides in priority order: both orders mean something to Flagsmith.
 */
import {
  featureKey,
  userKey,
  type Allocations,
  type DesiredFeature,
  type DesiredFeatureState,
  type DesiredIdentityOverride,
  type DesiredSegmentOverride,
} from "../kinds/index.ts";
import { Grouped, sortedBy, type GroupedDesired } from "./group.ts";
import { ifTrue, mapping, nonEmpty } from "./organisation-doc.ts";
import { Inline, Typed, type Mapping } from "./yaml-writer.ts";

const typed = (raw: string | null | undefined): Typed | undefined => (raw == null ? undefined : new Typed(raw));

export function featureDoc(f: DesiredFeature, g: GroupedDesired): Mapping {
  const key = featureKey(f.project, f.name);
  const tags = sortedBy(g.featureTags.of(key), (t) => t.tag).map((t) => t.tag);
  const owners = sortedBy(
    g.featureOwners.of(key),
    (o) => userKey(o.email),
    (o) => o.email,
  ).map((o) => o.email);
  const groupOwners = sortedBy(g.featureGroupOwners.of(key), (o) => o.group).map((o) => o.group);
  const options = g.multivariateOptions.of(key);
  return mapping([
    ["name", f.name],
    ["description", f.description],
    ["default_enabled", ifTrue(f.defaultEnabled)],
    ["initial_value", typed(f.initialValue)],
    ["is_server_key_only", ifTrue(f.isServerKeyOnly)],
    ["tags", tags.length ? new Inline([...new Set(tags)]) : undefined],
    ["owners", owners.length ? new Inline([...new Set(owners)]) : undefined],
    ["group_owners", groupOwners.length ? new Inline([...new Set(groupOwners)]) : undefined],
    [
      "multivariate_options",
      nonEmpty(
        options.map(
          (o) =>
            new Inline(
              mapping([
                ["value", new Typed(o.value)],
                ["default_percentage_allocation", o.defaultAllocation],
              ]),
            ),
        ),
      ),
    ],
    ["environments", nonEmpty(environmentsDoc(key, g))],
  ]);
}

/** The feature's content by environment name, for the environments where it has any. */
function environmentsDoc(key: string, g: GroupedDesired): Mapping {
  const states = new Grouped(g.featureStates.of(key), (s) => s.environment.name);
  const segments = new Grouped(g.segmentOverrides.of(key), (o) => o.environment.name);
  const identities = new Grouped(g.identityOverrides.of(key), (o) => o.environment.name);
  const names = new Set(
    [...g.featureStates.of(key), ...g.segmentOverrides.of(key), ...g.identityOverrides.of(key)].map(
      (x) => x.environment.name,
    ),
  );
  const out: Mapping = new Map();
  for (const name of sortedBy([...names], (n) => n)) {
    const state: DesiredFeatureState | undefined = states.of(name)[0];
    out.set(
      name,
      mapping([
        ["enabled", state?.enabled],
        ["value", typed(state?.value)],
        ["multivariate", state && allocations(state.multivariate)],
        ["segment_overrides", nonEmpty(segments.of(name).map(segmentOverrideDoc))],
        ["identity_overrides", nonEmpty(sortedBy(identities.of(name), (o) => o.identifier).map(identityOverrideDoc))],
      ]),
    );
  }
  return out;
}

function segmentOverrideDoc(o: DesiredSegmentOverride): Inline {
  return new Inline(
    mapping([
      ["segment", o.segment],
      ["enabled", ifTrue(o.enabled)],
      ["value", typed(o.value)],
      ["multivariate", allocations(o.multivariate)],
    ]),
  );
}

function identityOverrideDoc(o: DesiredIdentityOverride): Inline {
  return new Inline(
    mapping([
      ["identifier", o.identifier],
      ["enabled", ifTrue(o.enabled)],
      ["value", typed(o.value)],
    ]),
  );
}

/** Percentages by option value, sorted by it; none: not written. */
function allocations(a: Allocations): Inline | undefined {
  const entries = sortedBy(Object.entries(a), ([value]) => value);
  return entries.length ? new Inline(new Map(entries)) : undefined;
}
