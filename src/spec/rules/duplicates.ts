import type { Issue, Position } from "../../errors.ts";
import { DESIRED_LIST, KIND_ORDER, type EntityOf, type Kind } from "../../plan/actions.ts";
import { KEY_OF } from "../../plan/keys.ts";
import type { Desired, Sourced } from "../desired.ts";
import { keyable } from "./bind.ts";

/**
 * Merges entities declared more than once under the same idempotency key (plan/keys.ts). Identical declarations
 * collapse into the first; differing ones are an error naming both places, since either choice would silently
 * drop what the other file asked for.
 */
export function mergeDuplicates(desired: Desired): { desired: Desired; issues: Issue[] } {
  const issues: Issue[] = [];
  const merged: Desired = { ...desired };
  for (const kind of KIND_ORDER) {
    const list = desired[DESIRED_LIST[kind]] as (EntityOf[Kind] & Sourced)[];
    const first = new Map<string, EntityOf[Kind] & Sourced>();
    const kept: (EntityOf[Kind] & Sourced)[] = [];
    for (const entity of list) {
      const key = KEY_OF[kind](keyable(entity) as never);
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, entity);
        kept.push(entity);
        continue;
      }
      const fields = differingFields(earlier, entity);
      if (fields.length) issues.push(conflict(kind, fields, entity.source, earlier.source));
    }
    (merged as unknown as Record<string, unknown>)[DESIRED_LIST[kind]] = kept;
  }
  return { desired: merged, issues };
}

function differingFields(a: object, b: object): string[] {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  keys.delete("source");
  return [...keys].filter((key) => JSON.stringify(x[key]) !== JSON.stringify(y[key]));
}

const LABEL: Record<Kind, string> = {
  user: "user",
  organisation: "organisation",
  membership: "organisation member",
  group: "group",
  groupMember: "group member",
  organisationPermission: "organisation permission",
  masterApiKey: "master API key",
  project: "project",
  projectPermission: "project permission",
  environment: "environment",
  environmentPermission: "environment permission",
  identity: "identity",
  segment: "segment",
  feature: "feature",
};

function conflict(kind: Kind, fields: string[], position: Position, first: Position): Issue {
  // Field names only: values may be passwords or keys.
  return {
    rule: "conflicting-duplicate",
    message: `this ${LABEL[kind]} is declared twice with different content (${fields.join(", ")}): here and at ${first.file}:${first.line}:${first.column}`,
    position,
    hint: "an entity is created once: keep one declaration, or make both identical",
  };
}
