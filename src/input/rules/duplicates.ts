import type { Issue, Position } from "../../errors.ts";
import {
  entitiesOf,
  keyOf,
  KIND_ORDER,
  KINDS,
  withEntities,
  type Desired,
  type EntityOf,
  type Kind,
} from "../../kinds/index.ts";

/**
 * Merges entities declared more than once under the same idempotency key (KindSpec.key). Identical declarations
 * collapse into the first; differing ones are an error naming both places, since either choice would silently
 * drop what the other file asked for.
 */
export function mergeDuplicates(desired: Desired): { desired: Desired; issues: Issue[] } {
  const issues: Issue[] = [];
  let merged: Desired = desired;
  for (const kind of KIND_ORDER) {
    const first = new Map<string, number>();
    const kept: EntityOf[Kind][] = [];
    for (const entity of entitiesOf(desired, kind) as EntityOf[Kind][]) {
      const key = keyOf(kind, entity as never);
      const index = first.get(key);
      if (index === undefined) {
        first.set(key, kept.length);
        kept.push(entity);
        continue;
      }
      const earlier = kept[index]!;
      const fields = differingFields(earlier, entity);
      if (fields.length) issues.push(conflict(kind, fields, entity.source, earlier.source));
      else kept[index] = withShowKey(withUndeclared(earlier, entity), entity);
    }
    merged = withEntities(merged, kind, kept as never);
  }
  return { desired: merged, issues };
}

/**
 * `show_key` asks how a creation is reported, not what is created: a file that adds it to an environment
 * another file declares (the fof preset saved next to your own files) is no conflict, and any ask wins.
 */
function withShowKey<T extends object>(earlier: T, later: T): T {
  const asked = (entity: object) => "showKey" in entity && entity.showKey === true;
  return asked(later) && !asked(earlier) ? { ...earlier, showKey: true } : earlier;
}

/**
 * Entity fields that gather several of the files' fields (a project's or an environment's settings, each a field
 * of its own in the files, only those given present; a feature state's allocations, one per option, and where
 * the files name them): compared and merged key by key, so a file that declares the project again to add a tag,
 * without its settings, or a feature's environment again to add an override, agrees with the one that gives them.
 */
const GROUPED = new Set(["settings", "multivariate", "multivariateAt"]);

/** How the files name an entity field, where the names differ. */
const FILE_NAMES: Record<string, string> = {
  defaultAllocation: "default_percentage_allocation",
  use_mv_v2_evaluation: "use_identity_composite_key_for_hashing",
};

const fileName = (field: string) => FILE_NAMES[field] ?? field.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());

/** A field one declaration leaves out (undefined: not declared) takes the other's value; grouped ones key by key. */
function withUndeclared<T extends object>(earlier: T, later: T): T {
  const filled = { ...earlier } as Record<string, unknown>;
  for (const [key, value] of Object.entries(later)) {
    if (filled[key] === undefined) filled[key] = value;
    else if (GROUPED.has(key)) filled[key] = { ...(value as object), ...(filled[key] as object) };
  }
  return filled as T;
}

/**
 * Fields both declarations give, with different values (a field one of them leaves out is no conflict), named as
 * the files name them.
 */
function differingFields(a: object, b: object): string[] {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return differingKeys(x, y, ["source", "showKey", "multivariateAt"]).flatMap((key) => {
    // Settings are fields of the entity in the files; options are named under their mapping.
    if (key === "settings") return differingFields(x[key] as object, y[key] as object);
    if (key === "multivariate")
      return differingKeys(x[key] as Record<string, unknown>, y[key] as Record<string, unknown>).map(
        (option) => `multivariate.${option}`,
      );
    return [fileName(key)];
  });
}

/** Keys both objects give (not undefined) with different values; grouped fields are given back when they differ. */
function differingKeys(x: Record<string, unknown>, y: Record<string, unknown>, ignored: string[] = []): string[] {
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const key of ignored) keys.delete(key);
  return [...keys].filter(
    (key) => x[key] !== undefined && y[key] !== undefined && JSON.stringify(x[key]) !== JSON.stringify(y[key]),
  );
}

function conflict(kind: Kind, fields: string[], position: Position, first: Position): Issue {
  // Field names only: values may be passwords or keys.
  return {
    rule: "conflicting-duplicate",
    message: `this ${KINDS[kind].noun} is declared twice with different content (${fields.join(", ")}): here and at ${first.file}:${first.line}:${first.column}`,
    position,
    hint: "an entity is created once: keep one declaration, or make both identical",
  };
}
