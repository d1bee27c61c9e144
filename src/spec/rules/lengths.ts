import type { Issue, Position } from "../../errors.ts";
import type { Desired, SegmentRule } from "../desired.ts";

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

interface LengthCheck {
  /** The column(s) the value is stored in; the smallest known limit applies. */
  columns: string[];
  value: string;
  /** What the value is, for the message; a function, since it is needed only for the rare value too long. */
  what: () => string;
  position?: Position;
}

function conditionChecks(rules: SegmentRule[], what: string, position: Position): LengthCheck[] {
  return rules.flatMap((rule) => [
    ...rule.conditions.flatMap((c) => [
      ...(c.property !== null ? [{ columns: ["segments_condition.property"], value: c.property, what: () => `${what} condition property`, position }] : []),
      ...(c.value !== null ? [{ columns: ["segments_condition.value"], value: c.value, what: () => `${what} condition value`, position }] : []),
    ]),
    ...conditionChecks(rule.rules, what, position),
  ]);
}

function lengthChecks(d: Desired): LengthCheck[] {
  const checks: LengthCheck[] = [];
  const add = (columns: string | string[], value: string | null | undefined, what: () => string, position?: Position) => {
    if (value != null) checks.push({ columns: typeof columns === "string" ? [columns] : columns, value, what, position });
  };
  if (d.appDomain) add("django_site.domain", d.appDomain.value, () => "app_domain", d.appDomain.source);
  for (const u of d.users) {
    const w = `user "${u.email}"`;
    add("users_ffadminuser.email", u.email, () => `${w} email`, u.source);
    add("users_ffadminuser.first_name", u.firstName, () => `${w} first_name`, u.source);
    add("users_ffadminuser.last_name", u.lastName, () => `${w} last_name`, u.source);
    add("users_ffadminuser.username", u.username, () => `${w} username`, u.source);
    if (u.password.kind === "hash") add("users_ffadminuser.password", u.password.value, () => `${w} password_hash`, u.source);
  }
  for (const o of d.organisations) {
    add("organisations_organisation.name", o.name, () => `organisation "${o.name}" name`, o.source);
    add("organisations_subscription.plan", o.subscription?.plan, () => `organisation "${o.name}" subscription plan`, o.source);
    add("organisations_subscription.subscription_id", o.subscription?.subscriptionId, () => `organisation "${o.name}" subscription_id`, o.source);
  }
  for (const g of d.groups) add("users_userpermissiongroup.name", g.name, () => `group "${g.name}" name`, g.source);
  for (const k of d.masterApiKeys) add("api_keys_masterapikey.name", k.name, () => `master API key "${k.name}" name`, k.source);
  for (const p of d.projects) add("projects_project.name", p.name, () => `project "${p.name}" name`, p.source);
  for (const e of d.environments) add("environments_environment.name", e.name, () => `environment "${e.name}" name`, e.source);
  for (const i of d.identities) {
    const w = `identity "${i.identifier}"`;
    add("environments_identity.identifier", i.identifier, () => `${w} identifier`, i.source);
    for (const [key, value] of Object.entries(i.traits)) {
      add("environments_trait.trait_key", key, () => `${w} trait key`, i.source);
      if (typeof value === "string") add("environments_trait.string_value", value, () => `${w} trait "${key}" value`, i.source);
    }
  }
  for (const s of d.segments) {
    add("segments_segment.name", s.name, () => `segment "${s.name}" name`, s.source);
    checks.push(...conditionChecks(s.rules, `segment "${s.name}"`, s.source));
  }
  for (const f of d.features) {
    add("features_feature.name", f.name, () => `feature "${f.name}" name`, f.source);
    // The initial value is copied into every environment's feature state value as well.
    add(["features_feature.initial_value", "features_featurestatevalue.string_value"], f.initialValue, () => `feature "${f.name}" initial_value`, f.source);
  }
  return checks;
}

/** Values too long for their column under `lengths`, as input errors with the entity's file position (rule "value-too-long"). */
export function checkValueLengths(desired: Desired, lengths: ColumnLengths): Issue[] {
  const issues: Issue[] = [];
  for (const check of lengthChecks(desired)) {
    const known = check.columns.flatMap((c) => {
      const limit = lengths.get(c);
      return limit === undefined ? [] : [{ column: c, limit }];
    });
    if (known.length === 0) continue;
    const tightest = known.reduce((a, b) => (b.limit < a.limit ? b : a));
    // varchar(n) counts characters (code points), not UTF-16 units; there are never more of those than units.
    if (check.value.length <= tightest.limit) continue;
    const length = [...check.value].length;
    if (length <= tightest.limit) continue;
    issues.push({
      rule: "value-too-long",
      message: `${check.what()} is ${length} characters long; Flagsmith stores it in ${tightest.column}, which holds at most ${tightest.limit}`,
      ...(check.position ? { position: check.position } : {}),
      hint: `shorten it to ${tightest.limit} characters or fewer`,
    });
  }
  return issues;
}
