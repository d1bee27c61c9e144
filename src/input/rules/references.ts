import { formatPosition, type Issue, type Position } from "../../errors.ts";
import {
  entitiesOf,
  keyOf,
  KIND_ORDER,
  referencesOf,
  SEP,
  UNBOUND,
  type Desired,
  type EntityOf,
  type Kind,
} from "../../kinds/index.ts";
import { isNearMiss } from "../../suggest.ts";

/** Something referred to but not declared in the files: it must already exist in the database. */
export interface UndeclaredReference {
  /** How the referred entity is named, e.g. `project "Web" of organisation "Acme"`. */
  label: string;
  /** Where it is first referred to. */
  first: Position;
  /** How many references to it the files hold. */
  count: number;
}

/**
 * The warning line for an undeclared reference. Formatted only when shown (offline): reading a position
 * may build the file's syntax tree (load.ts), seconds for a file of megabytes, and a connected run checks
 * the references against the database instead.
 */
export function formatUndeclared(w: UndeclaredReference): string {
  const more = w.count > 1 ? ` (${w.count - 1} more reference${w.count > 2 ? "s" : ""} to it)` : "";
  return `${formatPosition(w.first)}: ${w.label} is not declared in these files; it must already exist in the database${more}.`;
}

/**
 * References to entities not declared in the files. Usually fine (the entity may exist in the database: a
 * warning, one per referred entity), but when a declared entity of the same kind has a near-identical name it
 * is almost surely a typo, and running on would create a second, misspelt entity or fail later: an error with
 * "did you mean". For the kinds in `unsure` (declarations left out for problems of their own), no reference is
 * taken for a typo: it may name a left-out entity.
 */
export function checkReferences(
  desired: Desired,
  unsure: ReadonlySet<Kind> = new Set(),
): { issues: Issue[]; warnings: UndeclaredReference[] } {
  const declared = declaredNames(desired);
  const issues: Issue[] = [];
  const warnings = new Map<string, UndeclaredReference>();
  for (const kind of KIND_ORDER) {
    for (const entity of entitiesOf(desired, kind) as EntityOf[Kind][]) {
      for (const ref of referencesOf(kind, entity as never)) {
        const names = declared[ref.kind];
        if (!names || names.has(ref.key)) continue;
        const label = ref.label;
        // `unsure`: kinds some of whose declarations were left out for problems of their own (input/salvage.ts).
        const near = unsure.has(ref.kind) ? [] : nearMisses(ref.key, names);
        if (near.length) {
          issues.push({
            rule: "dangling-reference",
            message: `${label} is not declared in these files; did you mean ${near.join(" or ")}?`,
            position: ref.at ?? entity.source,
            hint: "correct the name; if it already exists in the database, declare it here too (existing entities are skipped)",
          });
        } else {
          const seen = warnings.get(label);
          if (seen) seen.count++;
          else warnings.set(label, { label, first: ref.at ?? entity.source, count: 1 });
        }
      }
    }
  }
  return { issues, warnings: [...warnings.values()] };
}

/** Key → how to name it, for the kinds other entities refer to. */
function declaredNames(desired: Desired): Partial<Record<Kind, Map<string, string>>> {
  const of = <K extends Kind>(kind: K, label: (e: EntityOf[K]) => string) =>
    new Map(entitiesOf(desired, kind).map((e) => [keyOf(kind, e), label(e)] as const));
  return {
    user: of("user", (e) => `user "${e.email}"`),
    organisation: of("organisation", (e) => `organisation "${e.name}"`),
    group: of("group", (e) => `group "${e.name}" of organisation "${e.organisation}"`),
    project: of("project", (e) => `project "${e.name}" of organisation "${e.organisation}"`),
    environment: of("environment", (e) => `environment "${e.name}" of project "${e.project.name}"`),
    identity: of("identity", (e) => `identity "${e.identifier}" of environment "${e.environment.name}"`),
    segment: of("segment", (e) => `segment "${e.name}" of project "${e.project.name}"`),
    tag: of("tag", (e) => `tag "${e.label}" of project "${e.project.name}"`),
    multivariateOption: of("multivariateOption", (e) => `multivariate option "${e.value}" of feature "${e.feature}"`),
  };
}

function nearMisses(key: string, names: Map<string, string>): string[] {
  // An unbound project reference knows only the name: compare names alone.
  const unbound = key.startsWith(UNBOUND + SEP);
  const strip = (k: string) => (unbound ? k.slice(k.indexOf(SEP) + 1) : k);
  const wanted = strip(key);
  const out: string[] = [];
  for (const [candidate, label] of names) if (isNearMiss(wanted, strip(candidate))) out.push(label);
  return out;
}
