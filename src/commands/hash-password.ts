import { fail } from "../errors.ts";
import { hashPassword } from "../flagsmith/django.ts";
import type { Io } from "../io.ts";

/**
 * `hash-password`: the first line of stdin → the Django hash Flagsmith would store for it (PBKDF2-SHA256,
 * Flagsmith's iteration count), one line on stdout. For `password_hash:` in provisioning files and
 * ConfigMaps, so no plaintext password has to be kept there and nothing is hashed at provisioning time.
 * The password itself is never printed.
 */
export async function hashPasswordCommand(io: Io): Promise<void> {
  const password = (await io.readLine?.("Password (then Enter): ")) ?? "";
  if (password === "") {
    fail({
      rule: "empty-password",
      message: "hash-password read an empty password: it hashes the first line of its standard input",
      hint: `pipe the password in, e.g. printf '%s\\n' "$PASSWORD" | flagsmith-provision hash-password`,
    });
  }
  io.out(await hashPassword(password));
}
