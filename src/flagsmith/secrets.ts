/** Flagsmith-format environment keys and organisation master API keys (WRITES.md §5, §6.1). */
import { randomUUID } from "node:crypto";
import { hashPassword, randomAlphanumeric } from "./django.ts";

/** shortuuid's default alphabet: digits 2-9 and letters without I, O and l. */
const SHORTUUID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const SHORTUUID_LENGTH = 22;
const MASTER_API_KEY = /^[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}$/;

/**
 * shortuuid 1.0.11 uuid(): 22 chars, base57 alphabet 23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz of a
 * random uuid4, padded with '2'.
 */
export function generateEnvironmentKey(): string {
  // Flagsmith's environments/api_keys.py → shortuuid.uuid(): int_to_string(uuid4().int), most significant digit first.
  let number = BigInt("0x" + randomUUID().replaceAll("-", ""));
  const base = BigInt(SHORTUUID_ALPHABET.length);
  let digits = "";
  while (number > 0n) {
    digits = SHORTUUID_ALPHABET[Number(number % base)] + digits;
    number /= base;
  }
  return digits.padStart(SHORTUUID_LENGTH, SHORTUUID_ALPHABET[0]);
}

/** `<8>.<32>` over [a-zA-Z0-9] using crypto-random choice (djangorestframework-api-key 2.2.0 KeyGenerator). */
export function generateMasterApiKey(): string {
  return `${randomAlphanumeric(8)}.${randomAlphanumeric(32)}`;
}

/** Is this a key Flagsmith can store and authenticate (`<8 letters/digits>.<32 letters/digits>`)? */
export function isMasterApiKeyFormat(key: string): boolean {
  return MASTER_API_KEY.test(key);
}

/** The columns api_keys_masterapikey derives from a key. */
export interface StoredMasterApiKey {
  id: string;
  prefix: string;
  hashedKey: string;
}

/**
 * What api_keys_masterapikey stores: prefix (before the first '.'), hashed_key = hashPassword(full key), id = prefix +
 * "." + hashed_key.
 */
export async function hashMasterApiKey(
  key: string,
  options: { salt?: string; iterations?: number } = {},
): Promise<StoredMasterApiKey> {
  // Flagsmith authenticates by looking up everything before the first '.' as the prefix (WRITES.md §5).
  const dot = key.indexOf(".");
  const prefix = dot === -1 ? key : key.slice(0, dot);
  const hashedKey = await hashPassword(key, options);
  return { id: `${prefix}.${hashedKey}`, prefix, hashedKey };
}
