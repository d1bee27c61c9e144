/**
 * A desired state grouped the way the nested file format holds it: what belongs to each organisation, project,
 * environment and feature, looked up by key. Pure.
 */
import {
  compareText,
  environmentKey,
  featureKey,
  projectKey,
  type Desired,
  type EnvironmentRef,
  type ProjectRef,
} from "../kinds/index.ts";

/** Items by the key of what they belong to, in the desired state's order. */
export class Grouped<T> {
  private readonly map = new Map<string, T[]>();
  constructor(items: readonly T[], keyOf: (item: T) => string) {
    for (const item of items) {
      const k = keyOf(item);
      const list = this.map.get(k);
      if (list) list.push(item);
      else this.map.set(k, [item]);
    }
  }
  of(k: string): T[] {
    return this.map.get(k) ?? [];
  }
}

const inEnvironment = (e: { environment: EnvironmentRef }) => environmentKey(e.environment);
const ofFeature = (e: { project: ProjectRef; feature: string }) => featureKey(e.project, e.feature);
const ofFeatureIn = (e: { environment: EnvironmentRef; feature: string }) =>
  featureKey(e.environment.project, e.feature);

/** Everything a desired state holds, grouped by its owner. */
export function groupDesired(d: Desired) {
  return {
    memberships: new Grouped(d.memberships, (m) => m.organisation),
    groups: new Grouped(d.groups, (g) => g.organisation),
    groupMembers: new Grouped(d.groupMembers, (m) => m.organisation + "\u001f" + m.group),
    organisationPermissions: new Grouped(d.organisationPermissions, (p) => p.organisation),
    masterApiKeys: new Grouped(d.masterApiKeys, (k) => k.organisation),
    projects: new Grouped(d.projects, (p) => p.organisation),
    projectPermissions: new Grouped(d.projectPermissions, (p) => projectKey(p.project)),
    tags: new Grouped(d.tags, (t) => projectKey(t.project)),
    environments: new Grouped(d.environments, (e) => projectKey(e.project)),
    environmentPermissions: new Grouped(d.environmentPermissions, inEnvironment),
    identities: new Grouped(d.identities, inEnvironment),
    segments: new Grouped(d.segments, (s) => projectKey(s.project)),
    features: new Grouped(d.features, (f) => projectKey(f.project)),
    featureTags: new Grouped(d.featureTags, ofFeature),
    featureOwners: new Grouped(d.featureOwners, ofFeature),
    featureGroupOwners: new Grouped(d.featureGroupOwners, ofFeature),
    multivariateOptions: new Grouped(d.multivariateOptions, ofFeature),
    featureStates: new Grouped(d.featureStates, ofFeatureIn),
    segmentOverrides: new Grouped(d.segmentOverrides, ofFeatureIn),
    identityOverrides: new Grouped(d.identityOverrides, ofFeatureIn),
  };
}

export type GroupedDesired = ReturnType<typeof groupDesired>;

/** A copy sorted by the text `by` gives, ties by the next ones. */
export function sortedBy<T>(items: readonly T[], ...by: Array<(item: T) => string>): T[] {
  return [...items].sort((a, b) => {
    for (const f of by) {
      const c = compareText(f(a), f(b));
      if (c !== 0) return c;
    }
    return 0;
  });
}
