import { UserError, formatPosition, type Issue } from "../errors.ts";
import {
  bindProject,
  entitiesOf,
  keyOf,
  KIND_ORDER,
  mapProjectRefs,
  KINDS,
  referencesOf,
  specOf,
  driftOf,
  type Desired,
  type DesiredMasterApiKey,
  type EntityOf,
  type Existing,
  type Kind,
  type ProjectRef,
  type Sourced,
} from "../kinds/index.ts";
import type { Action, Plan } from "../kinds/plan.ts";
import type { Reference } from "../kinds/spec.ts";

/**
 * (Desired, Existing) → Plan. Pure. Binds project references that name no organisation against the
 * existing projects, checks that every reference is declared or exists, and marks each entity
 * create or skip, in processing order. Throws a UserError listing every problem at once.
 * Offline (`existing.complete` false) undeclared references are assumed to exist: the loader has
 * already warned about them (input/rules/references.ts).
 */
export function diffState(desired: Desired, existing: Existing): Plan {
  const issues: Issue[] = [];
  const bound = bindProjects(desired, existing, issues);
  if (issues.length) throw new UserError(issues);

  const declared = declaredKeys(bound);
  const actions: Action[] = [];
  const warnings: string[] = [];
  for (const kind of KIND_ORDER) {
    for (const entity of entitiesOf(bound, kind)) {
      // Built once: the check and the parents both read them (labels included, for every feature state).
      const refs = referencesOf(kind, entity);
      checkReferences(refs, entity, { declared, existing, issues });
      const action = actionFor(kind, entity, refs, existing);
      if (action.reason === "revoked") warnings.push(revokedKeyWarning(action.entity as DesiredMasterApiKey));
      actions.push(action);
    }
  }
  if (issues.length) throw new UserError(issues);
  return { actions, appDomain: desired.appDomain, warnings };
}

function actionFor<K extends Kind>(kind: K, entity: EntityOf[K], refs: Reference[], existing: Existing): Action {
  const key = keyOf(kind, entity);
  if (kind === "masterApiKey" && !existing.ids.masterApiKey.has(key) && existing.revokedMasterApiKeys.has(key)) {
    return { kind, op: "skip", key, entity, parent: null, reason: "revoked" } as Action;
  }
  const op = existing.ids[kind].has(key) ? "skip" : "create";
  // The parents are the first references of every nested kind (KindSpec.references).
  const parents = KINDS[kind].parents as readonly Kind[];
  const parent: Action["parent"] =
    parents.length === 0 ? null : parents.every((p, i) => existing.ids[p].has(refs[i]!.key)) ? "existing" : "created";
  const stored = op === "skip" ? existing.stored[kind].get(key) : undefined;
  const drift = stored === undefined ? [] : driftOf(specOf(kind).compared, entity, stored);
  return { kind, op, key, entity, parent, ...(stored && { stored }), ...(drift.length > 0 && { drift }) } as Action;
}

/**
 * What an operator reads on stderr about a revoked key: why nothing is created, and how to get a new key. Never the
 * key.
 */
function revokedKeyWarning(entity: DesiredMasterApiKey): string {
  const rotate =
    entity.key === null
      ? "give it a new name in the files (a new key is then generated and printed once)"
      : "give it a new name and a new key: in the files (the revoked key's prefix stays taken)";
  return (
    `${formatPosition(entity.source)}: master API key "${entity.name}" in organisation "${entity.organisation}" was revoked or deleted ` +
    `in Flagsmith, so it is not created again. To issue a replacement, ${rotate}; to silence this warning, remove it from the files.`
  );
}

type DeclaredKeys = { [K in Kind]: Set<string> };

function declaredKeys(desired: Desired): DeclaredKeys {
  const keys = {} as DeclaredKeys;
  for (const kind of KIND_ORDER) {
    keys[kind] = new Set(entitiesOf(desired, kind).map((e) => keyOf(kind, e)));
  }
  return keys;
}

function checkReferences(
  refs: Reference[],
  entity: Sourced,
  ctx: { declared: DeclaredKeys; existing: Existing; issues: Issue[] },
): void {
  if (!ctx.existing.complete) return;
  for (const ref of refs) {
    if (ctx.declared[ref.kind].has(ref.key) || ctx.existing.ids[ref.kind].has(ref.key)) continue;
    ctx.issues.push({
      rule: "dangling-reference",
      message: `${ref.label} is neither declared in the files nor present in the database`,
      position: ref.at ?? entity.source,
      hint: `declare ${ref.label} in a provisioning file, or correct the name`,
    });
  }
}

/**
 * Fills in the organisation of project references that name none, from the existing projects. A reference
 * that cannot be bound stays unbound (keying under UNBOUND): an error when connected, assumed to exist offline.
 */
function bindProjects(desired: Desired, existing: Existing, issues: Issue[]): Desired {
  const organisationsOf = (name: string) => existing.projectOrganisations.get(name) ?? [];
  const bind = (ref: ProjectRef, at: Sourced): ProjectRef => {
    const binding = bindProject(ref, organisationsOf);
    if ("ref" in binding) return binding.ref;
    if ("ambiguous" in binding) {
      issues.push({
        rule: "ambiguous-project",
        message: `project "${ref.name}" exists in several organisations: ${binding.ambiguous.map((c) => `"${c}"`).join(", ")}`,
        position: at.source,
        hint: `add "organisation:" naming one of them`,
      });
    } else if (existing.complete) {
      issues.push({
        rule: "dangling-reference",
        message: `project "${ref.name}" is neither declared in the files nor present in the database`,
        position: at.source,
        hint: `declare project "${ref.name}" with its organisation, or correct the name`,
      });
    }
    return ref;
  };
  return mapProjectRefs(desired, (ref, entity) => bind(ref, entity));
}
