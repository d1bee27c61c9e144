import type { Issue, Position } from "../../errors.ts";
import { type Desired, type SegmentRule } from "../../kinds/index.ts";

/** "table.column" → varchar length: how many characters Flagsmith's column holds. */
export type ColumnLengths = ReadonlyMap<string, number>;

/**
 * The varchar lengths of the columns input is stored in, in Flagsmith v2.265.0 (the newest schema supported;
 * v2.203.0 has the same), used offline. Connected, the database's own lengths are used instead (compat.ts).
 * test/compat/lengths.test.ts compares this table with the real dump.
 */
export const FLAGSMITH_LENGTHS: ColumnLengths = new Map([
  ["django_site.domain", 100],
  ["users_ffadminuser.email", 254],
  ["users_ffadminuser.first_name", 150],
  ["users_ffadminuser.last_name", 150],
  ["users_ffadminuser.username", 150],
  ["users_ffadminuser.password", 128],
  ["organisations_organisation.name", 2000],
  ["organisations_subscription.plan", 100],
  ["organisations_subscription.subscription_id", 100],
  ["users_userpermissiongroup.name", 200],
  ["api_keys_masterapikey.name", 50],
  ["projects_project.name", 2000],
  ["environments_environment.name", 2000],
  ["environments_identity.identifier", 2000],
  ["environments_trait.trait_key", 200],
  ["environments_trait.string_value", 2000],
  ["segments_segment.name", 2000],
  ["segments_condition.property", 1000],
  ["segments_condition.value", 1000],
  ["features_feature.name", 2000],
  ["features_feature.initial_value", 20000],
  ["features_featurestatevalue.string_value", 20000],
]);

/** Calls `visit` for each value stored in a column of limited length: its column(s), what it is (for messages) and where. */
type Visit = (columns: string | readonly string[], value: string | null | undefined, what: () => string, position: Position) => void;

function visitConditions(rules: SegmentRule[], what: string, position: Position, visit: Visit): void {
  for (const rule of rules) {
    for (const c of rule.conditions) {
      visit("segments_condition.property", c.property, () => `${what} condition property`, position);
      visit("segments_condition.value", c.value, () => `${what} condition value`, position);
    }
    visitConditions(rule.rules, what, position, visit);
  }
}

function visitValues(d: Desired, visit: Visit): void {
  if (d.appDomain) visit("django_site.domain", d.appDomain.value, () => "app_domain", d.appDomain.source);
  for (const u of d.users) {
    const w = () => `user "${u.email}"`;
    visit("users_ffadminuser.email", u.email, () => `${w()} email`, u.source);
    visit("users_ffadminuser.first_name", u.firstName, () => `${w()} first_name`, u.source);
    visit("users_ffadminuser.last_name", u.lastName, () => `${w()} last_name`, u.source);
    visit("users_ffadminuser.username", u.username, () => `${w()} username`, u.source);
    if (u.password.kind === "hash") visit("users_ffadminuser.password", u.password.value, () => `${w()} password_hash`, u.source);
  }
  for (const o of d.organisations) {
    visit("organisations_organisation.name", o.name, () => `organisation "${o.name}" name`, o.source);
    visit("organisations_subscription.plan", o.subscription?.plan, () => `organisation "${o.name}" subscription plan`, o.source);
    visit("organisations_subscription.subscription_id", o.subscription?.subscriptionId, () => `organisation "${o.name}" subscription_id`, o.source);
  }
  for (const g of d.groups) visit("users_userpermissiongroup.name", g.name, () => `group "${g.name}" name`, g.source);
  for (const k of d.masterApiKeys) visit("api_keys_masterapikey.name", k.name, () => `master API key "${k.name}" name`, k.source);
  for (const p of d.projects) visit("projects_project.name", p.name, () => `project "${p.name}" name`, p.source);
  for (const e of d.environments) visit("environments_environment.name", e.name, () => `environment "${e.name}" name`, e.source);
  for (const i of d.identities) {
    const w = () => `identity "${i.identifier}"`;
    visit("environments_identity.identifier", i.identifier, () => `${w()} identifier`, i.source);
    for (const [key, value] of Object.entries(i.traits)) {
      visit("environments_trait.trait_key", key, () => `${w()} trait key`, i.source);
      if (typeof value === "string") visit("environments_trait.string_value", value, () => `${w()} trait "${key}" value`, i.source);
    }
  }
  for (const s of d.segments) {
    visit("segments_segment.name", s.name, () => `segment "${s.name}" name`, s.source);
    visitConditions(s.rules, `segment "${s.name}"`, s.source, visit);
  }
  for (const f of d.features) {
    visit("features_feature.name", f.name, () => `feature "${f.name}" name`, f.source);
    // The initial value is copied into every environment's feature state value as well.
    visit(INITIAL_VALUE_COLUMNS, f.initialValue, () => `feature "${f.name}" initial_value`, f.source);
  }
}

const INITIAL_VALUE_COLUMNS = ["features_feature.initial_value", "features_featurestatevalue.string_value"] as const;

/**
 * Values too long for their column under `lengths`, as input errors with the entity's file position (rule
 * "value-too-long"). Values are checked as they are visited: nothing is kept for the (many) that fit.
 */
export function checkValueLengths(desired: Desired, lengths: ColumnLengths): Issue[] {
  const issues: Issue[] = [];
  visitValues(desired, (columns, value, what, position) => {
    if (value == null) return;
    let column: string | undefined;
    let limit = Infinity;
    for (const c of typeof columns === "string" ? [columns] : columns) {
      const known = lengths.get(c);
      if (known !== undefined && known < limit) [column, limit] = [c, known];
    }
    // varchar(n) counts characters (code points), not UTF-16 units; there are never more of those than units.
    if (column === undefined || value.length <= limit) return;
    const length = [...value].length;
    if (length <= limit) return;
    issues.push({
      rule: "value-too-long",
      message: `${what()} is ${length} characters long; Flagsmith stores it in ${column}, which holds at most ${limit}`,
      position,
      hint: `shorten it to ${limit} characters or fewer`,
    });
  });
  return issues;
}
