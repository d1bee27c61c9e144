/**
 * Features of the exported projects with their tags, owners, group owners and multivariate options: one query per
 * kind, for every project at once. Each feature also records the environment state it gives a new environment, so
 * that states.ts writes only what differs from it.
 */
import { featureStateValue, IN_DATABASE, optionValueKey } from "../../kinds/index.ts";
import { storedValue, type ValueColumns } from "../kinds/state-content.ts";
import { idsOf, quoted, type Reading } from "./reading.ts";
import { percentOf, textOf } from "./stored-values.ts";

type FeatureRow = {
  id: number;
  project_id: number;
  name: string;
  description: string | null;
  default_enabled: boolean;
  initial_value: string | null;
  is_server_key_only: boolean;
  is_archived: boolean;
  type: string;
};

export async function readFeatures(r: Reading): Promise<void> {
  const projects = idsOf(r.projects);
  const rows = await r.sql<FeatureRow[]>`
    select id, project_id, name, description, default_enabled, initial_value, is_server_key_only, is_archived, type
    from features_feature where project_id = any(${projects}::int[]) and deleted_at is null order by id`;
  const names = new Set<string>();
  for (const f of rows) {
    const { ref: project, preventFlagDefaults } = r.projects.get(f.project_id)!;
    const what = `${quoted(f.name)} in ${quoted(project.name)}`;
    if (names.has(`${f.project_id}\u0000${f.name.toLowerCase()}`)) {
      r.notes.add(project.organisation, "features sharing their name with an older one (left out)", what);
      continue;
    }
    names.add(`${f.project_id}\u0000${f.name.toLowerCase()}`);
    if (f.is_archived) r.notes.add(project.organisation, "archived features (created unarchived)", what);
    r.features.set(f.id, {
      project,
      name: f.name,
      // A new state copies these (features/models.py _create_initial_feature_state; prevent_flag_defaults: off, no value).
      defaultEnabled: f.default_enabled && !preventFlagDefaults,
      defaultValue: featureStateValue(preventFlagDefaults ? null : f.initial_value),
      optionDefaults: new Map(),
      multivariate: f.type === "MULTIVARIATE",
    });
    r.desired.features.push({
      project,
      name: f.name,
      description: f.description,
      defaultEnabled: f.default_enabled,
      initialValue: f.initial_value,
      isServerKeyOnly: f.is_server_key_only,
      source: IN_DATABASE,
    });
  }
  await readFeatureLinks(r, projects);
  await readOptions(r, projects);
}

async function readFeatureLinks(r: Reading, projects: number[]): Promise<void> {
  const tags = await r.sql<{ feature_id: number; tag_id: number }[]>`
    select ft.feature_id, ft.tag_id from features_feature_tags ft join features_feature f on f.id = ft.feature_id
    where f.project_id = any(${projects}::int[]) order by ft.id`;
  for (const t of tags) {
    const feature = r.features.get(t.feature_id);
    const tag = r.tags.get(t.tag_id);
    if (feature && tag !== undefined)
      r.desired.featureTags.push({ project: feature.project, feature: feature.name, tag, source: IN_DATABASE });
  }
  const owners = await r.sql<{ feature_id: number; user_id: number; email: string }[]>`
    select o.feature_id, u.id as user_id, u.email from features_feature_owners o
    join features_feature f on f.id = o.feature_id join users_ffadminuser u on u.id = o.ffadminuser_id
    where f.project_id = any(${projects}::int[]) order by o.id`;
  for (const o of owners) {
    const feature = r.features.get(o.feature_id);
    if (!feature) continue;
    r.users.set(o.user_id, o.email);
    r.desired.featureOwners.push({
      project: feature.project,
      feature: feature.name,
      email: o.email,
      source: IN_DATABASE,
    });
  }
  const groups = await r.sql<{ feature_id: number; name: string }[]>`
    select o.feature_id, g.name from features_feature_group_owners o
    join features_feature f on f.id = o.feature_id join users_userpermissiongroup g on g.id = o.userpermissiongroup_id
    where f.project_id = any(${projects}::int[]) order by o.id`;
  for (const g of groups) {
    const feature = r.features.get(g.feature_id);
    if (feature)
      r.desired.featureGroupOwners.push({
        project: feature.project,
        feature: feature.name,
        group: g.name,
        source: IN_DATABASE,
      });
  }
}

/** Options in id order: the order they were added, which decides the order variants are bucketed in. */
async function readOptions(r: Reading, projects: number[]): Promise<void> {
  const rows = await r.sql<(ValueColumns & { id: number; feature_id: number; allocation: number })[]>`
    select o.id, o.feature_id, o.type, o.boolean_value as b, o.integer_value as i, o.string_value as s,
           o.default_percentage_allocation as allocation
    from multivariate_multivariatefeatureoption o join features_feature f on f.id = o.feature_id
    where f.project_id = any(${projects}::int[]) order by o.id`;
  const values = new Set<string>();
  for (const o of rows) {
    const feature = r.features.get(o.feature_id);
    if (!feature) continue;
    const organisation = feature.project.organisation;
    const what = `${quoted(feature.name)} in ${quoted(feature.project.name)}`;
    const { text, faithful } = textOf(storedValue(o));
    const key = `${o.feature_id}\u0000${optionValueKey(text ?? "")}`;
    if (text === null || values.has(key)) {
      r.notes.add(organisation, "multivariate options without a value of their own (left out)", what);
      continue;
    }
    if (!faithful)
      r.notes.add(
        organisation,
        "values a file types differently (stored as typed)",
        `option ${quoted(text)} of ${what}`,
      );
    const { percent, faithful: whole } = percentOf(o.allocation);
    if (!whole)
      r.notes.add(
        organisation,
        "percentages that are not whole numbers (rounded)",
        `option ${quoted(text)} of ${what}`,
      );
    values.add(key);
    r.options.set(o.id, text);
    feature.optionDefaults.set(o.id, percent);
    r.desired.multivariateOptions.push({
      project: feature.project,
      feature: feature.name,
      value: text,
      defaultAllocation: percent,
      source: IN_DATABASE,
    });
  }
  for (const feature of r.features.values())
    if (feature.multivariate !== feature.optionDefaults.size > 0)
      r.notes.add(
        feature.project.organisation,
        "feature types a file cannot give (the type follows the options)",
        quoted(feature.name),
      );
}
