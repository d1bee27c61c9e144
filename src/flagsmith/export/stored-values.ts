/**
 * The text a file writes for a stored typed value (features_featurestatevalue, multivariate options; typed by
 * storedValue in kinds/state-content.ts, as drift reads them). A file's value is typed on the way in exactly as
 * Flagsmith types it (kinds/values.ts featureStateValue), so some stored values have no text that gives them back
 * (the text "25" is stored as the integer 25): those are noted.
 */
import { featureStateValue, type FeatureStateValue } from "../../kinds/index.ts";

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
