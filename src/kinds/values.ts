/**
 * Typing of remote-config values and identity traits exactly as Flagsmith infers them (WRITES.md §3).
 * Pure: no database.
 */
import type { TraitValue } from "./identity.ts";

/** A features_featurestatevalue row's value columns. */
export interface FeatureStateValue {
  type: "int" | "bool" | "unicode";
  booleanValue: boolean | null;
  integerValue: number | null;
  stringValue: string | null;
}

/** An environments_trait row's value columns. */
export interface TraitColumns {
  valueType: "int" | "bool" | "unicode" | "float";
  booleanValue: boolean | null;
  integerValue: number | null;
  floatValue: number | null;
  stringValue: string | null;
}

/** features/constants.py MAX_32_BIT_INTEGER; the comparison in features/utils.py is a strict `<`. */
const MAX_32_BIT_INTEGER = 2_147_483_647n;

/**
 * The whitespace Python's int() strips (checked against CPython 3.11): unlike JS `\s`, it has U+0085 and lacks U+FEFF.
 */
const PY_SPACE = "[\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
/**
 * Python int(str): optional sign, decimal digits (any Unicode Nd) with single underscores between them, surrounded by
 * whitespace.
 */
const PY_INT = new RegExp(`^${PY_SPACE}*([+-]?)(\\p{Nd}+(?:_\\p{Nd}+)*)${PY_SPACE}*$`, "u");
const DIGIT = /\p{Nd}/u;

/** The value of a Unicode decimal digit: every Nd block is a run of 0..9 (several runs may be adjacent). */
function digitValue(char: string): number {
  const code = char.codePointAt(0)!;
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  let start = code;
  while (start > 0 && DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (code - start) % 10;
}

/** Python `int(value)` for a str, or null where Python raises ValueError. */
export function parsePythonInt(value: string): bigint | null {
  const match = PY_INT.exec(value);
  if (!match) return null;
  let n = 0n;
  for (const char of match[2]!) if (char !== "_") n = n * 10n + BigInt(digitValue(char));
  return match[1] === "-" ? -n : n;
}

/**
 * The feature state value Flagsmith derives from a feature's initial_value (features/models.py
 * get_feature_state_value_defaults + features/utils.py get_value_type): a 32-bit int, else one of
 * the four boolean spellings, else the raw string. No value (or prevent_flag_defaults) → unicode, all NULL.
 */
export function featureStateValue(initialValue: string | null): FeatureStateValue {
  const none = { booleanValue: null, integerValue: null, stringValue: null };
  if (initialValue === null) return { type: "unicode", ...none };
  const n = parsePythonInt(initialValue);
  if (n !== null && (n < 0n ? -n : n) < MAX_32_BIT_INTEGER) return { type: "int", ...none, integerValue: Number(n) };
  if (initialValue === "true" || initialValue === "True") return { type: "bool", ...none, booleanValue: true };
  if (initialValue === "false" || initialValue === "False") return { type: "bool", ...none, booleanValue: false };
  return { type: "unicode", ...none, stringValue: initialValue };
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/**
 * A trait as Flagsmith's TraitValueField + Trait.generate_trait_value_data store it: str → unicode,
 * int → int, bool → bool, float → float. A YAML integer outside integer_value's 32-bit column
 * (where Flagsmith itself would fail) is kept as a float, its nearest faithful type.
 */
export function traitColumns(value: TraitValue): TraitColumns {
  const none = { booleanValue: null, integerValue: null, floatValue: null, stringValue: null };
  if (typeof value === "boolean") return { valueType: "bool", ...none, booleanValue: value };
  if (typeof value === "string") return { valueType: "unicode", ...none, stringValue: value };
  if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX)
    return { valueType: "int", ...none, integerValue: value };
  return { valueType: "float", ...none, floatValue: value };
}
