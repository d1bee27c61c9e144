import type { Kind } from "../kinds/index.ts";
import type { Path } from "./load.ts";

/**
 * What is left of a file with errors, for the checks across files (references, duplicates, permission keys,
 * lengths): every entity without a problem. So one run reports a shape error in one entity together with, say,
 * a misspelt reference or a name too long in another, instead of one stage per run.
 *
 * An entity with a problem is left out whole, with everything nested in it (a project with a wrong field takes
 * its environments and features along): only its own problems are reported until it is fixed.
 */

/** The lists whose items are entities, and the entity lists nested in their items. */
interface Lists {
  readonly [list: string]: Lists;
}
const ENVIRONMENT: Lists = { identities: {}, permissions: {} };
const ENTITY_LISTS: Lists = {
  users: {},
  organisations: { members: {}, groups: { members: {} }, permissions: {} },
  master_api_keys: {},
  projects: { environments: ENVIRONMENT, features: {}, segments: {}, permissions: {} },
  environments: ENVIRONMENT,
  features: {},
  segments: {},
};

/**
 * Kinds other entities refer to by name whose declarations a left-out list item takes along. A reference to one
 * of them that looks misspelt may be a reference to the left-out entity: not reported as a typo this run.
 */
const REFERRED_KINDS = new Map<string | number | undefined, Kind[]>([
  ["users", ["user"]],
  ["organisations", ["organisation", "group"]],
  ["groups", ["group"]],
  ["projects", ["project", "environment"]],
  ["environments", ["environment"]],
]);

/** Every kind others refer to: what a file that cannot be read at all may have declared. */
export const ALL_REFERRED_KINDS: ReadonlySet<Kind> = new Set([...REFERRED_KINDS.values()].flat());

/**
 * The part of a document to leave out for a problem at `path`: the innermost entity holding it, else the top-level
 * key it is under (a setting such as app_domain, or a list that is not a list). null: the file as a whole.
 */
export function leftOutPart(path: Path): Path | null {
  let lists = ENTITY_LISTS;
  let end = 0;
  for (let i = 0; i + 1 < path.length; i += 2) {
    const list = path[i];
    const next = typeof list === "string" && Object.hasOwn(lists, list) ? lists[list] : undefined;
    if (!next || typeof path[i + 1] !== "number") break;
    lists = next;
    end = i + 2;
  }
  if (end > 0) return path.slice(0, end);
  return path.length ? path.slice(0, 1) : null;
}

/**
 * Removes each part from `spec` (valibot's output for the file, complete but unchecked where there were issues).
 * A list item is deleted in place, leaving a hole: the other items keep their index, which is how their
 * positions are found, and `forEach` (what resolve.ts and the file rules use) skips holes.
 * Returns the kinds of referred entities that were left out.
 */
export function leaveOut(spec: Record<string, unknown>, parts: readonly Path[]): Set<Kind> {
  const kinds = new Set<Kind>();
  for (const part of parts) {
    let container: unknown = spec;
    for (const step of part.slice(0, -1))
      container = (container as Record<string | number, unknown> | null | undefined)?.[step];
    if (container === null || typeof container !== "object") continue;
    delete (container as Record<string | number, unknown>)[part[part.length - 1]!];
    const list = typeof part[part.length - 1] === "number" ? part[part.length - 2] : part[part.length - 1];
    for (const kind of REFERRED_KINDS.get(list) ?? []) kinds.add(kind);
  }
  return kinds;
}
