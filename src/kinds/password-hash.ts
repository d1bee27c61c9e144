/**
 * The password hashes Flagsmith can check a login against. Flagsmith sets no PASSWORD_HASHERS (WRITES.md §4.1),
 * so Django 5.2's default list applies (django/conf/global_settings.py): PBKDF2PasswordHasher,
 * PBKDF2SHA1PasswordHasher, Argon2PasswordHasher, BCryptSHA256PasswordHasher, ScryptPasswordHasher. A hash of any
 * other algorithm (md5, sha1, bcrypt without sha256, crypt, …) would be stored and never match, so no one could
 * log in with it: an input error instead. Argon2 and bcrypt_sha256 need the argon2-cffi / bcrypt packages in
 * Flagsmith's image, as in Django.
 * The formats are those the hashers' `encode` writes, field by field; the length of a hash or salt is not checked
 * (a wrong one cannot match any password, like any wrong hash). An unusable password (`!` and anything) is Django's
 * too.
 */
const B64 = "[A-Za-z0-9+/]";
const DJANGO_HASHES: readonly RegExp[] = [
  // pbkdf2_sha256$<iterations>$<salt>$<base64 hash>, and the same with pbkdf2_sha1
  new RegExp(`^pbkdf2_sha(?:256|1)\\$[1-9][0-9]*\\$[^$\\s]+\\$${B64}+={0,2}$`),
  // argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash> (argon2-cffi's encoding after Django's "argon2")
  new RegExp(`^argon2\\$argon2(?:id|i|d)\\$(?:v=[0-9]+\\$)?m=[0-9]+,t=[0-9]+,p=[0-9]+\\$${B64}+\\$${B64}+$`),
  // bcrypt_sha256$$2b$12$<22 characters of salt, 31 of hash> (bcrypt's own string after Django's "bcrypt_sha256$")
  /^bcrypt_sha256\$\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}$/,
  // scrypt$<n>$<salt>$<r>$<p>$<base64 hash>
  new RegExp(`^scrypt\\$[0-9]+\\$[^$\\s]+\\$[0-9]+\\$[0-9]+\\$${B64}+={0,2}$`),
  // unusable (make_password(None) writes "!" and 40 random characters)
  /^![\s\S]*$/,
];

/** Whether `value` is a password hash (or unusable password) Flagsmith's Django can check. */
export function isFlagsmithPasswordHash(value: string): boolean {
  return DJANGO_HASHES.some((pattern) => pattern.test(value));
}

/** `isFlagsmithPasswordHash` as a regular expression's source, for the JSON Schema. */
export const PASSWORD_HASH_PATTERN = DJANGO_HASHES.map((pattern) => `(?:${pattern.source})`).join("|");

/** The algorithms accepted, for messages. */
export const PASSWORD_HASH_ALGORITHMS = "pbkdf2_sha256, pbkdf2_sha1, argon2, bcrypt_sha256 or scrypt";
