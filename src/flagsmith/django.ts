/**
 * Django 5.2-compatible password hashes and password-reset links, so rows we insert behave exactly like
 * rows Flagsmith's API writes (WRITES.md §4). Pure computation: no database.
 */
import { createHash, createHmac, pbkdf2, randomInt, timingSafeEqual } from "node:crypto";

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/** Django 5.2 PBKDF2PasswordHasher.iterations. */
const DEFAULT_ITERATIONS = 1_000_000;
/** Django 5.2 PasswordResetTokenGenerator counts seconds from this instant (naive now() under TIME_ZONE=UTC). */
const TOKEN_EPOCH_MS = Date.UTC(2001, 0, 1);
const TOKEN_KEY_SALT = "django.contrib.auth.tokens.PasswordResetTokenGenerator";

/** Django get_random_string: uniform choice over [a-zA-Z0-9] from a CSPRNG. */
export function randomAlphanumeric(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** PBKDF2 on libuv's threadpool (callback API), so several hashes really run in parallel. */
function pbkdf2Async(
  password: string,
  salt: string,
  iterations: number,
  digest: "sha256" | "sha1",
  length: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, iterations, length, digest, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * Django 5.2 PBKDF2-SHA256 `pbkdf2_sha256$<iter>$<salt>$<b64>`; iterations default 1_000_000, salt default 22 random
 * [a-zA-Z0-9]. Async and off the main thread (node:crypto pbkdf2 callback → libuv threadpool) so many hashes run in
 * parallel.
 */
export async function hashPassword(
  password: string,
  options: { salt?: string; iterations?: number } = {},
): Promise<string> {
  // 22 chars = ceil(128 bits / log2(62)), Django's BasePasswordHasher.salt().
  const salt = options.salt ?? randomAlphanumeric(22);
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  if (salt.includes("$")) throw new Error("a Django password salt cannot contain '$'");
  const key = await pbkdf2Async(password, salt, iterations, "sha256", 32);
  return `pbkdf2_sha256$${iterations}$${salt}$${key.toString("base64")}`;
}

/** Django check_password for pbkdf2_sha256 (and pbkdf2_sha1); other algorithms are reported as not matching. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split("$");
  if (parts.length !== 4) return false;
  const [algorithm, iterationsText, salt, expected] = parts as [string, string, string, string];
  const digest = algorithm === "pbkdf2_sha256" ? "sha256" : algorithm === "pbkdf2_sha1" ? "sha1" : undefined;
  if (!digest || !/^[1-9]\d*$/.test(iterationsText)) return false;
  const expectedBytes = Buffer.from(expected, "base64");
  const length = digest === "sha256" ? 32 : 20;
  if (expectedBytes.length !== length) return false;
  const actual = await pbkdf2Async(password, salt, Number(iterationsText), digest, length);
  return timingSafeEqual(actual, expectedBytes);
}

/** "!" + 40 random [a-zA-Z0-9] (Django make_password(None)): a password no login can ever match. */
export function unusablePassword(): string {
  return "!" + randomAlphanumeric(40);
}

const B64 = "[A-Za-z0-9+/]+={0,2}";
/** Formats Django's default PASSWORD_HASHERS can verify (WRITES.md §4.1), plus the unusable "!…" marker. */
const HASH_FORMATS: readonly RegExp[] = [
  new RegExp(`^pbkdf2_sha256\\$[1-9]\\d*\\$[^$]+\\$${B64}$`),
  new RegExp(`^pbkdf2_sha1\\$[1-9]\\d*\\$[^$]+\\$${B64}$`),
  /^argon2\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[^$]+\$[^$]+$/,
  /^bcrypt_sha256\$\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}$/,
  new RegExp(`^scrypt\\$\\d+\\$[^$]+\\$\\d+\\$\\d+\\$${B64}$`),
  /^![A-Za-z0-9]{0,40}$/,
];

/**
 * Does this string look like a Django password hash we can store as given
 * (pbkdf2_sha256/pbkdf2_sha1/argon2/bcrypt_sha256/scrypt formats, or unusable "!…")?
 */
export function isDjangoPasswordHash(value: string): boolean {
  return HASH_FORMATS.some((format) => format.test(value));
}

/** djoser encode_uid: urlsafe base64 of the decimal pk, '=' stripped. 1 → "MQ". */
export function encodeUid(pk: number): string {
  return Buffer.from(String(pk), "utf8").toString("base64url");
}

/** Django 5.2 PasswordResetTokenGenerator.make_token (WRITES.md §4.2), timestamp from `now` (default current time). */
export function passwordResetToken(input: {
  pk: number;
  password: string;
  lastLogin: Date | null;
  email: string;
  secret: string;
  now?: Date;
}): string {
  const ts = Math.floor(((input.now ?? new Date()).getTime() - TOKEN_EPOCH_MS) / 1000);
  // Django renders last_login with microseconds dropped, in UTC: "YYYY-MM-DD HH:MM:SS".
  const login = input.lastLogin ? input.lastLogin.toISOString().slice(0, 19).replace("T", " ") : "";
  const message = `${input.pk}${input.password}${login}${ts}${input.email}`;
  // salted_hmac: key = sha256(key_salt + secret), then HMAC-SHA256; make_token keeps every other hex char.
  const key = createHash("sha256")
    .update(TOKEN_KEY_SALT + input.secret, "utf8")
    .digest();
  const hex = createHmac("sha256", key).update(message, "utf8").digest("hex");
  let hash = "";
  for (let i = 0; i < hex.length; i += 2) hash += hex[i];
  return `${ts.toString(36)}-${hash}`;
}

/**
 * Flagsmith get_current_site_url without a request (WRITES.md §9): scheme http for localhost/127.0.0.1[:port], else
 * https.
 */
export function siteUrl(domain: string): string {
  // Same pattern as core/helpers.py, unescaped dots included, applied with re.match (anchored at the start only):
  // "localhost.example.com" is http too, exactly as Flagsmith decides.
  const scheme = /^(localhost|127.0.0.1)(:\d+)?/.test(domain) ? "http" : "https";
  return `${scheme}://${domain}`;
}

/**
 * `${siteUrl(domain)}/password-reset/confirm/${uid}/${token}` (djoser PASSWORD_RESET_CONFIRM_URL as Flagsmith sets it).
 */
export function passwordResetLink(domain: string, uid: string, token: string): string {
  return `${siteUrl(domain)}/password-reset/confirm/${uid}/${token}`;
}
