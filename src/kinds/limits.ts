import type { Issue, Position } from "../errors.ts";
import { entitiesOf, KIND_ORDER, specOf, type Desired } from "./index.ts";

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
  ["projects_project.feature_name_regex", 255],
  ["environments_environment.banner_text", 255],
  ["environments_environment.banner_colour", 7],
  ["tags_tag.label", 100],
  ["tags_tag.color", 10],
  ["tags_tag.description", 512],
  ["multivariate_multivariatefeatureoption.string_value", 20000],
]);

/**
 * Values too long for their column under `lengths`, as input errors with the entity's file position (rule
 * "value-too-long"). Values are checked as they are visited: nothing is kept for the (many) that fit.
 */
export function checkValueLengths(desired: Desired, lengths: ColumnLengths): Issue[] {
  const issues: Issue[] = [];
  const visit = (
    columns: string | readonly string[],
    value: string | null | undefined,
    what: () => string,
    position: Position,
  ) => {
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
  };
  if (desired.appDomain)
    visit("django_site.domain", desired.appDomain.value, () => "app_domain", desired.appDomain.source);
  for (const kind of KIND_ORDER) {
    const spec = specOf(kind);
    for (const entity of entitiesOf(desired, kind)) {
      for (const v of spec.limited(entity)) visit(v.columns, v.value, v.what, entity.source);
    }
  }
  return issues;
}
