/** Character codes the YAML scans look at (charCodeAt keeps their loops free of one-character strings). */
export const TAB = 9,
  LF = 10,
  CR = 13,
  SP = 32,
  HASH = 35,
  COLON = 58,
  DASH = 45,
  COMMA = 44,
  DQUOTE = 34,
  SQUOTE = 39;
export const OPEN_SQ = 91,
  CLOSE_SQ = 93,
  OPEN_CURLY = 123,
  CLOSE_CURLY = 125,
  PIPE = 124,
  GT = 62,
  LT = 60;

/** The offset after the spaces at `offset` (on the same line). */
export function afterSpaces(text: string, offset: number): number {
  while (text.charCodeAt(offset) === SP) offset++;
  return offset;
}

/** Whether the key `key` is what the text has at `offset` (a quoted key is taken on trust; its quotes are checked). */
export function keyWritten(text: string, offset: number, key: string): boolean {
  const c = text.charCodeAt(offset);
  if (c === DQUOTE || c === SQUOTE) return true;
  return text.startsWith(key, offset);
}

/** Whether a plain text value starts at `offset` with its first character (quoted and block scalars are skipped). */
export function startsLike(text: string, offset: number, node: unknown): boolean {
  if (typeof node !== "string" || node === "") return true;
  const c = text.charCodeAt(offset);
  if (c === DQUOTE || c === SQUOTE || c === PIPE || c === GT) return true;
  return text[offset] === node[0];
}
