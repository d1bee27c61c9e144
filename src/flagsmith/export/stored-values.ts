/**
 * Typed values as stored (features_featurestatevalue, multivariate options) and the text a file writes for them. A
 * file's value is typed on the way in exactly as Flagsmith types it (kinds/values.ts featureStateValue), so some
 * stored values have no text that gives them back (the text "25" is stored as the integer 25): those are noted.
 */
import { featureStateValue, type FeatureStateValue } from "../../kinds/index.ts";

/** The value columns of a row (type, boolean_value, integer_value, string_value). */
export interface StoredValue {
  type: string | null;
  b: boolean | null;
  i: number | null;
  s: string | null;
}

/** A stored value in the typed form featureStateValue gives, only the column of its type kept. */
export function typedOf(v: StoredValue): FeatureStateValue {
  const none = { booleanValue: null, integerValue: null, stringValue: null };
  if (v.type === "int") return { type: "int", ...none, integerValue: v.i };
  if (v.type === "bool") return { type: "bool", ...none, booleanValue: v.b };
  return { type: "unicode", ...none, stringValue: v.s };
}

export function sameValue(a: FeatureStateValue, b: FeatureStateValue): boolean {
  return (
    a.type === b.type &&
    a.booleanValue === b.booleanValue &&
    a.integerValue === b.integerValue &&
    a.stringValue === b.stringValue
  );
}

/** What a file writes for a stored value: its text (null: no value), and whether typing that text gives it back. */
export function textOf(v: FeatureStateValue): { text: string | null; faithful: boolean } {
  const text =
    v.type === "int"
      ? v.integerValue === null
        ? null
        : String(v.integerValue)
      : v.type === "bool"
        ? v.booleanValue === null
          ? null
          : v.booleanValue
            ? "True"
            : "False"
        : v.stringValue;
  return { text, faithful: sameValue(featureStateValue(text), v) };
}

/** A percentage as the format holds it (a whole number from 0 to 100), and whether that is the stored one. */
export function percentOf(stored: number): { percent: number; faithful: boolean } {
  const percent = Math.min(100, Math.max(0, Math.round(stored)));
  return { percent, faithful: percent === stored };
}
