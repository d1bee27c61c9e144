import type { Position } from "../errors.ts";

/** A position whose line and column are found when first read (a getter, so spreading and JSON see them). */
export function lazyPosition(file: string, locate: () => Position): Position {
  let found: Position | undefined;
  const get = () => (found ??= locate());
  return {
    file,
    get line() {
      return get().line;
    },
    get column() {
      return get().column;
    },
  };
}
