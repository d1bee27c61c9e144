import { describeDrift, labelOfEntity, type Label } from "../kinds/index.ts";
import type { Action } from "../kinds/plan.ts";

export type { Label };

/**
 * The label of one action (contract §3 wording): its kind's, from the registry. A skip is named by what the
 * database holds where that is known (a member's stored role, not the declared one).
 */
export function labelOf(action: Action): Label {
  return labelOfEntity(action.kind, (action.stored ?? action.entity) as never);
}

/** What a skip line says in its parentheses: why nothing is created. */
export function skipReasonOf(action: Action): string {
  if (action.reason === "revoked") return "revoked in the database";
  return action.drift ? `already exists; differs: ${action.drift.map(describeDrift).join("; ")}` : "already exists";
}

/** Nested kinds are "Added" to an existing parent; top-level kinds are "Created". */
export function isNested(action: Action): boolean {
  return action.parent !== null;
}
