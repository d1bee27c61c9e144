/**
 * Feature owners: users (features_feature_owners) and groups of the project's organisation
 * (features_feature_group_owners), link rows only. The API also makes the creating user an owner of every
 * feature it creates; a provisioner has no creating user, so only declared owners are written.
 */
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import { featureKey, groupKey, keyOf, userKey } from "../../kinds/index.ts";
import type { KindModule } from "../context.ts";
import { findLinks, insertLinks } from "../sql/links.ts";
import { inBoundProjects, requireId } from "../sql/lookups.ts";

const OWNERS = { table: "features_feature_owners", left: "feature_id", right: "ffadminuser_id" };
const GROUP_OWNERS = { table: "features_feature_group_owners", left: "feature_id", right: "userpermissiongroup_id" };

export const featureOwners: KindModule<"featureOwner"> = {
  async read(sql, desired, existing) {
    const wanted = inBoundProjects("featureOwner", desired.featureOwners, existing).map((o) => ({
      key: keyOf("featureOwner", o),
      left: existing.ids.feature.get(featureKey(o.project, o.feature)),
      right: existing.ids.user.get(userKey(o.email)),
    }));
    return { ids: await findLinks(sql, OWNERS, wanted) };
  },

  async create(ctx, actions) {
    await insertLinks(
      ctx.sql,
      OWNERS,
      "feature owner",
      actions.map(({ entity: o }) => ({
        left: requireId(ctx.ids.feature.get(featureKey(o.project, o.feature)), o),
        right: requireId(ctx.ids.user.get(userKey(o.email)), o),
        written: { label: `"${o.email}" of "${o.feature}"`, source: o.source },
      })),
    );
    return new Map<ActionOf<"featureOwner">, Secret[]>();
  },
};

export const featureGroupOwners: KindModule<"featureGroupOwner"> = {
  async read(sql, desired, existing) {
    const wanted = inBoundProjects("featureGroupOwner", desired.featureGroupOwners, existing).map((o) => ({
      key: keyOf("featureGroupOwner", o),
      left: existing.ids.feature.get(featureKey(o.project, o.feature)),
      right: existing.ids.group.get(groupKey(o.project.organisation!, o.group)),
    }));
    return { ids: await findLinks(sql, GROUP_OWNERS, wanted) };
  },

  async create(ctx, actions) {
    await insertLinks(
      ctx.sql,
      GROUP_OWNERS,
      "feature group owner",
      actions.map(({ entity: o }) => ({
        left: requireId(ctx.ids.feature.get(featureKey(o.project, o.feature)), o),
        right: requireId(ctx.ids.group.get(groupKey(o.project.organisation!, o.group)), o),
        written: { label: `"${o.group}" of "${o.feature}"`, source: o.source },
      })),
    );
    return new Map<ActionOf<"featureGroupOwner">, Secret[]>();
  },
};
