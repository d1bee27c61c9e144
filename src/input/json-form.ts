import * as v from "valibot";
import { FLAGSMITH_LENGTHS } from "../kinds/limits.ts";

/**
 * What the JSON Schema of the file format (`flagsmith-provision schema`, json-schema.ts) says about a field, kept on
 * the field's valibot schema so that the file format has one schema. valibot skips metadata when it validates; the
 * converter copies its keys into the field's JSON Schema, over what it derived itself (so `anyOf` here replaces the
 * alternatives of a union). It reads a pipe only up to its first transform (input mode: the file as written), so
 * the keywords go just before that.
 */
export type Keywords = Record<string, unknown>;

/** JSON Schema keywords for editors, as a pipe item (before any transform). */
export function json<TInput>(keywords: Keywords): v.MetadataAction<TInput, Keywords> {
  return v.metadata<TInput, Keywords>(keywords);
}

/** `schema` with `keywords` added to its JSON Schema; the same schema when validating. */
export function annotate<S extends v.GenericSchema>(schema: S, keywords: Keywords): S {
  const items = "pipe" in schema ? flatten(schema.pipe as readonly PipeItem[]) : [schema as PipeItem];
  const stop = items.findIndex((item, i) => i > 0 && (item.kind === "schema" || item.kind === "transformation"));
  const at = stop < 0 ? items.length : stop;
  const pipe = v.pipe as unknown as (...items: PipeItem[]) => S;
  return pipe(...items.slice(0, at), json(keywords), ...items.slice(at));
}

type PipeItem = { kind: string; pipe?: readonly PipeItem[] };
/** A pipe's items with the pipes among them expanded, as the converter reads them. */
const flatten = (items: readonly PipeItem[]): PipeItem[] =>
  items.flatMap((item) => (item.kind === "schema" && item.pipe ? flatten(item.pipe) : [item]));

/**
 * What an editor shows about a field (hover, completion): what it is, what Flagsmith does with it and, when it may be
 * left out, what it then is. With example values, the default, and the column(s) of Flagsmith's database a text is
 * stored in (its length limit, as `validate` checks it offline: kinds/limits.ts).
 */
export type FieldDoc =
  | string
  | { description: string; examples?: readonly unknown[]; default?: unknown; stored?: string | readonly string[] };

/** A description for each of a mapping's fields. */
export type Docs<E> = { readonly [K in keyof E]: FieldDoc };

/** `schema` with its documentation for editors. Every field has one (test/input/json-schema.test.ts checks). */
export function doc<S extends v.GenericSchema>(schema: S, field: FieldDoc): S {
  const { description, stored, ...more } =
    typeof field === "string" ? { description: field, stored: undefined } : field;
  return annotate(schema, { description, ...more, ...(stored === undefined ? {} : fitsIn(stored)) });
}

/** `entries`, each with its documentation. */
export function documented<E extends v.ObjectEntries>(entries: E, docs: Docs<E>): E {
  const described = (key: string) => (docs as Record<string, FieldDoc>)[key]!;
  return Object.fromEntries(Object.entries(entries).map(([key, schema]) => [key, doc(schema, described(key))])) as E;
}

/** How many characters (code points, as PostgreSQL's varchar counts them) the column(s) hold: the least of them. */
export function columnLength(columns: string | readonly string[]): number {
  const limits = (typeof columns === "string" ? [columns] : columns).map((column) => {
    const limit = FLAGSMITH_LENGTHS.get(column);
    if (limit === undefined) throw new Error(`no length known for column ${column}`);
    return limit;
  });
  return Math.min(...limits);
}

/**
 * Text that fits in the column(s) once interpolated. With a `${…}` or `$__file{…}` that is only known at run time;
 * the literals `$${` and `$$__file{` lose a `$`, so there a `$$` before `{` or `__file{` counts as one character.
 */
export function fitsIn(columns: string | readonly string[]): Keywords {
  const length = columnLength(columns);
  return {
    if: { pattern: INTERPOLATED },
    else: {
      if: { pattern: ESCAPED },
      then: {
        pattern: `^(?:${ESCAPED}|[\\s\\S]){0,${length}}$`,
        patternErrorMessage: `at most ${length} characters (Flagsmith's column holds no more)`,
      },
      else: { maxLength: length },
    },
  };
}

/** The `$$` of a literal `$${` or `$$__file{`. */
const ESCAPED = "\\$\\$(?=\\{|__file\\{)";

/**
 * Text holding a `${VAR}` or `$__file{…}` that interpolation replaces (`$${…}` and `$$__file{…}` are literals, see
 * interpolate.ts): what it becomes is only known at run time, so a typed field accepts it as written.
 */
export const INTERPOLATED = "(?:^|[^$])\\$(?:\\{|__file\\{)";

/**
 * The JSON Schema of a value written as text matching `pattern` (a regular expression's source) or holding an
 * interpolation, or as one of the JSON types `also` (their own keywords, such as `minimum`, are added beside).
 * One schema with a list of types rather than alternatives, so that an editor says `message` whatever is wrong. It
 * replaces the alternatives the converter derived from a union (an undefined key is dropped from the output).
 */
export function textMatching(pattern: string, message: string, also: readonly string[] = []): Keywords {
  const full = `${message} (or a \${VAR} or $__file{…} that gives one)`;
  return {
    anyOf: undefined,
    type: also.length ? [...also, "string"] : "string",
    pattern: `${pattern}|${INTERPOLATED}`,
    patternErrorMessage: full,
    errorMessage: full,
  };
}

/** The JSON Schema of one of `options` (exact spelling), or of text holding an interpolation. */
export function oneOfOrInterpolated(options: readonly string[]): Keywords {
  return {
    anyOf: [
      { type: "string", enum: [...options] },
      { type: "string", pattern: INTERPOLATED },
    ],
  };
}

/**
 * The source of a regular expression matching exactly the whole numbers from 0 to `max`, written without leading
 * zeros: `upTo(255)` is `0|[1-9]\d{0,1}|1\d{2}|2[0-4]\d|25[0-5]`.
 */
export function upTo(max: number): string {
  const digits = String(max);
  const n = digits.length;
  const parts = ["0"];
  if (n > 1) parts.push(`[1-9]\\d{0,${n - 2}}`);
  for (let i = 0; i < n; i++) {
    const low = i === 0 ? 1 : 0;
    const high = Number(digits[i]) - 1;
    if (high < low) continue;
    const digit = low === high ? String(low) : `[${low}-${high}]`;
    const rest = n - i - 1;
    parts.push(digits.slice(0, i) + digit + (rest ? `\\d{${rest}}` : ""));
  }
  if (max > 0) parts.push(digits);
  return parts.join("|");
}
