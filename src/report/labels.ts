import { labelOfEntity, type Label } from "../kinds/index.ts";
import type { Action } from "../kinds/plan.ts";

export type { Label };

/** The label of one action (contract §3 wording): its kind's, from the registry. */
export function labelOf(action: Action): Label {
  return labelOfEntity(action.kind, action.entity as never);
}

/** What a skip line says in its parentheses: why nothing is created. */
export function skipReasonOf(action: Action): string {
  return action.reason === "revoked" ? "revoked in the database" : "already exists";
}

/** Nested kinds are "Added" to an existing parent; top-level kinds are "Created". */
export function isNested(action: Action): boolean {
  return action.parent !== null;
}
