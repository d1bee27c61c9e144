/** Where the first byte that is not UTF-8 is: its byte offset, and line and column (1-based, as positions count). */
export interface InvalidUtf8 {
  offset: number;
  line: number;
  column: number;
}

const FATAL = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const LENIENT = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Decodes a file's bytes. Bytes that are not UTF-8 would otherwise become U+FFFD ("�") and be written to the
 * database as such: `invalid` says where the first one is, and `text` is the lenient decoding (so the rest of the
 * file can still be checked and positions still line up). A byte order mark is kept, as `readFileSync` keeps it.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string; invalid?: InvalidUtf8 } {
  try {
    return { text: FATAL.decode(bytes) };
  } catch {
    const offset = firstInvalidByte(bytes);
    const lineStart = offset === 0 ? 0 : bytes.lastIndexOf(0x0a, offset - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    // Columns count UTF-16 units, as the YAML positions do; the bytes before the bad one on its line are valid.
    const column = FATAL.decode(bytes.subarray(lineStart, offset)).length + 1;
    return { text: LENIENT.decode(bytes), invalid: { offset, line, column } };
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Length of the sequence and the range its second byte must be in (no overlongs, no surrogates, ≤ U+10FFFF).
    const [length, low, high] =
      b >= 0xc2 && b <= 0xdf
        ? [2, 0x80, 0xbf]
        : b === 0xe0
          ? [3, 0xa0, 0xbf]
          : b === 0xed
            ? [3, 0x80, 0x9f]
            : b >= 0xe1 && b <= 0xef
              ? [3, 0x80, 0xbf]
              : b === 0xf0
                ? [4, 0x90, 0xbf]
                : b >= 0xf1 && b <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : b === 0xf4
                    ? [4, 0x80, 0x8f]
                    : [0, 0, 0];
    if (length === 0) return i;
    const second = bytes[i + 1];
    if (second === undefined || second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return bytes.length;
}
