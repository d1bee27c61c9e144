/**
 * Tags (tags_tag): found by exact label in their project; created as the dashboard creates them (a user tag:
 * not permanent, not a system tag, type NONE). Feature tags (features_feature_tags) link a feature to a tag.
 */
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import {
  featureKey,
  IN_DATABASE,
  keyOf,
  tagKey,
  type Desired,
  type DesiredTag,
  type Sourced,
} from "../../kinds/index.ts";
import type { KindModule, Sql } from "../context.ts";
import { insertBatch } from "../sql/batch.ts";
import { guardWrite } from "../sql/write-error.ts";
import { findInProjects, recordFoundInProjects, scopedName, type RowInProject } from "../sql/find-in-projects.ts";
import { projectIdOf } from "./environment.ts";
import { findLinks, insertLinks } from "../sql/links.ts";
import { inBoundProjects, requireId } from "../sql/lookups.ts";

/** The colour Flagsmith's dashboard preselects for a new tag: the column has no default. */
const DEFAULT_TAG_COLOUR = "#3d4db6";

const FEATURE_TAGS = { table: "features_feature_tags", left: "feature_id", right: "tag_id" };

/** Declared tags and the tags features name (which must exist when not declared). */
function wantedTags(desired: Desired) {
  return [
    ...desired.tags.map((t) => ({ name: scopedName(t.project, t.label), at: t as Sourced })),
    ...desired.featureTags.map((t) => ({ name: scopedName(t.project, t.tag), at: t as Sourced })),
  ];
}

export const tags: KindModule<"tag"> = {
  async read(sql: Sql, desired, existing) {
    const wanted = wantedTags(desired);
    const rows = await findInProjects(
      wanted.map((w) => w.name),
      existing,
      (projectIds, labels) => sql<(RowInProject & { color: string; description: string | null })[]>`
        select project_id, label as name, id, color, description from tags_tag
        where project_id = any(${[...new Set(projectIds)]}::int[]) and label = any(${[...new Set(labels)]}::text[])`,
    );
    const stored = new Map<string, DesiredTag>();
    for (const { organisation, project, row } of rows) {
      const ref = { organisation, name: project };
      const { name: label, color, description } = row;
      stored.set(tagKey(ref, label), { project: ref, label, color, description, source: IN_DATABASE });
    }
    return { ids: recordFoundInProjects(rows, wanted, { noun: "tag", key: tagKey }), stored };
  },

  async create(ctx, actions) {
    const rows = actions.map((a) => ({
      label: a.entity.label,
      color: a.entity.color ?? DEFAULT_TAG_COLOUR,
      description: a.entity.description ?? null,
      project_id: projectIdOf(ctx.ids.project, a.entity.project),
    }));
    const written = actions.map((a) => ({ label: `"${a.entity.label}"`, source: a.entity.source }));
    const created = await guardWrite("tag", written, () =>
      insertBatch<{ id: number; project_id: number; label: string }>(
        ctx.sql,
        {
          table: "tags_tag",
          columns: { label: "text", color: "text", description: "text", project_id: "int" },
          computed: { uuid: "gen_random_uuid()", is_permanent: "false", is_system_tag: "false", type: "'NONE'" },
          returning: ["id", "project_id", "label"],
        },
        rows,
      ),
    );
    const idOf = new Map(created.map((r) => [`${r.project_id}\u0000${r.label}`, r.id]));
    actions.forEach((a, i) => ctx.ids.tag.set(a.key, idOf.get(`${rows[i]!.project_id}\u0000${rows[i]!.label}`)!));
    return new Map<ActionOf<"tag">, Secret[]>();
  },
};

export const featureTags: KindModule<"featureTag"> = {
  async read(sql, desired, existing) {
    const wanted = inBoundProjects("featureTag", desired.featureTags, existing).map((t) => ({
      key: keyOf("featureTag", t),
      left: existing.ids.feature.get(featureKey(t.project, t.feature)),
      right: existing.ids.tag.get(tagKey(t.project, t.tag)),
    }));
    return { ids: await findLinks(sql, FEATURE_TAGS, wanted) };
  },

  async create(ctx, actions) {
    await insertLinks(
      ctx.sql,
      FEATURE_TAGS,
      "feature tag",
      actions.map((a) => ({
        left: requireId(ctx.ids.feature.get(featureKey(a.entity.project, a.entity.feature)), a.entity),
        right: requireId(ctx.ids.tag.get(tagKey(a.entity.project, a.entity.tag)), a.entity),
        written: { label: `"${a.entity.tag}" on "${a.entity.feature}"`, source: a.entity.source },
      })),
    );
    return new Map<ActionOf<"featureTag">, Secret[]>();
  },
};
