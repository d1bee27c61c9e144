/**
 * Drift (contract §7): how a declared entity that already exists differs from what the database holds. Create-only
 * never changes it; the run says so. Pure: the flagsmith/ readers give the stored entity in the same shape as the
 * declared one, and each kind lists the fields to compare (KindSpec.compared).
 */
import type { EntityOf, Kind } from "./index.ts";

/** A value as compared and shown: JSON data. Equal when structurally equal (object keys in any order). */
export type Shown = string | number | boolean | null | readonly Shown[] | { readonly [key: string]: Shown };

/**
 * One compared field: its name in the files and its value in a comparable form (typed values typed, names that
 * are case-insensitive in Flagsmith lower-cased, sets sorted); undefined when the files do not declare it (only
 * declared fields are compared).
 */
export interface ComparedField<E> {
  field: string;
  /**
   * `declared` is the declared entity on both sides: a stored value may depend on what was declared (traits).
   * `key`: for a family of fields (`keys`), the one compared.
   */
  value(entity: E, declared: E, key?: string): Shown | undefined;
  /**
   * For a family of fields named `<field>.<key>` (an environment's allocations, by option): the keys the files
   * declare, each compared as its own field.
   */
  keys?(declared: E): string[];
}

/** One difference: the stored value and the declared one. Never a secret (passwords and keys are not compared). */
export interface Drift {
  field: string;
  database: Shown;
  files: Shown;
}

/** The differences between a declared entity and the stored one with the same key, field by field. */
export function driftOf<E>(compared: readonly ComparedField<E>[], declared: E, stored: E): Drift[] {
  const drift: Drift[] = [];
  for (const { field, value, keys } of compared) {
    for (const key of keys ? keys(declared) : [undefined]) {
      const files = value(declared, declared, key);
      if (files === undefined) continue;
      const database = value(stored, declared, key) ?? null;
      const name = key === undefined ? field : `${field}.${key}`;
      if (!same(files, database)) drift.push({ field: name, database, files });
    }
  }
  return drift;
}

/**
 * Equal values, compared structurally (object keys in any order): no JSON on the way, since tens of thousands of
 * fields (rule trees, permission sets) are compared on every run.
 */
function same(a: Shown, b: Shown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => same(item, b[i]));
  }
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  const bRecord = b as { readonly [key: string]: Shown };
  const aRecord = a as { readonly [key: string]: Shown };
  return aKeys.every((key) => Object.hasOwn(bRecord, key) && same(aRecord[key]!, bRecord[key]!));
}

/** `default_enabled is false in the database, true in the files` */
export function describeDrift(drift: Drift): string {
  return `${drift.field} is ${JSON.stringify(drift.database)} in the database, ${JSON.stringify(drift.files)} in the files`;
}

/** A kind's stored entities by key, as the readers found them (only kinds that compare anything fill it). */
export type StoredEntities = { [K in Kind]: Map<string, EntityOf[K]> };
