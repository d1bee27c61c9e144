/**
 * A pattern in Python's re syntax (segments' REGEX conditions, a project's feature_name_regex) compiled as a
 * JavaScript RegExp: its named groups `(?P<name>…)` and backreferences `(?P=name)` translated, the rest as it is.
 * Throws what RegExp throws when it does not compile.
 */
export function pythonRegExp(pattern: string): RegExp {
  return new RegExp(pattern.replace(/\(\?P</g, "(?<").replace(/\(\?P=(\w+)\)/g, "\\k<$1>"));
}
