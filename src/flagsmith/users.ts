/** Users: `users_ffadminuser` (WRITES.md §1.1), matched case-insensitively by email. */
import { UserError, type Issue } from "../errors.ts";
import type { ActionOf, Secret } from "../plan/actions.ts";
import { userKey } from "../plan/keys.ts";
import { normaliseEmail, type UserPassword } from "../spec/desired.ts";
import { insertBatch } from "./batch.ts";
import type { KindModule, WriteContext } from "./context.ts";
import { encodeUid, hashPassword, passwordResetLink, passwordResetToken, unusablePassword } from "./django.ts";
import { ambiguousExisting, groupRows, referencedEmails } from "./refs.ts";
import { guardWrite } from "./write-error.ts";

/** Flagsmith's DEFAULT_DOMAIN, used by get_current_site_url when there is no site row (WRITES.md §9). */
const DEFAULT_DOMAIN = "app.flagsmith.com";

export const users: KindModule<"user"> = {
  async read(sql, desired, existing) {
    const emails = referencedEmails(desired);
    if (emails.length === 0) return;
    // Login resolves users with email__iexact, so a case variant is the same user (WRITES.md §1.1).
    const rows = await sql<{ id: number; email: string }[]>`
      select id, email from public.users_ffadminuser
      where lower(email) = any(select lower(e) from unnest(${emails}::text[]) as e)`;
    const issues: Issue[] = [];
    for (const [key, found] of groupRows(rows, (r) => userKey(r.email))) {
      if (found.length > 1) {
        const at = desired.users.find((u) => userKey(u.email) === key);
        issues.push(ambiguousExisting(`user "${found[0]!.email}" (compared case-insensitively, as Flagsmith's login does)`, found.map((r) => r.id), at));
      } else existing.ids.user.set(key, found[0]!.id);
    }
    if (issues.length) throw new UserError(issues);
  },

  async create(ctx, actions) {
    // PBKDF2 at 1,000,000 iterations costs ~170 ms: hash every new user's password at once, off the main thread.
    const passwords = await Promise.all(actions.map((a) => storedPassword(a.entity.password)));
    const rows = actions.map((a, i) => ({
      email: normaliseEmail(a.entity.email),
      password: passwords[i]!,
      is_superuser: a.entity.isSuperuser,
      // Django's create_superuser sets both; Flagsmith's superuser means is_staff AND is_superuser (§1.1).
      is_staff: a.entity.isSuperuser,
      first_name: a.entity.firstName,
      last_name: a.entity.lastName,
      username: a.entity.username,
    }));
    const inserted = await guardWrite("user", actions.map((a) => ({ label: `"${a.entity.email}"`, source: a.entity.source })), () =>
      insertBatch<{ id: number; email: string }>(
        ctx.sql,
        {
          table: "users_ffadminuser",
          columns: { email: "text", password: "text", is_superuser: "boolean", is_staff: "boolean", first_name: "text", last_name: "text", username: "text" },
          computed: { is_active: "true", date_joined: "now()", marketing_consent_given: "true", uuid: "gen_random_uuid()" },
          returning: ["id", "email"],
        },
        rows,
      ),
    );
    const idOf = new Map(inserted.map((r) => [r.email, r.id]));
    const secrets = new Map<ActionOf<"user">, Secret[]>();
    actions.forEach((action, i) => {
      const id = idOf.get(rows[i]!.email)!;
      ctx.ids.user.set(action.key, id);
      if (action.entity.isSuperuser && action.entity.password.kind === "unusable") {
        secrets.set(action, [resetSecret(ctx, { id, email: rows[i]!.email, password: rows[i]!.password })]);
      }
    });
    return secrets;
  },
};

/** What the password column gets: Django's unusable marker, a fresh PBKDF2 hash, or the caller's hash as given. */
async function storedPassword(password: UserPassword): Promise<string> {
  if (password.kind === "plain") return hashPassword(password.value);
  if (password.kind === "hash") return password.value;
  return unusablePassword();
}

/** The bootstrap's way in for a superuser without a password: a reset link, or how to get one without the secret. */
function resetSecret(ctx: WriteContext, user: { id: number; email: string; password: string }): Secret {
  const secret = ctx.settings.djangoSecretKey;
  if (secret) {
    // Same inputs as Django's PasswordResetTokenGenerator for the row just written (last_login NULL).
    const token = passwordResetToken({ pk: user.id, password: user.password, lastLogin: null, email: user.email, secret });
    return { kind: "resetLink", url: passwordResetLink(ctx.siteDomain ?? DEFAULT_DOMAIN, encodeUid(user.id), token) };
  }
  return {
    kind: "resetInstructions",
    text:
      `No password-reset link for "${user.email}": DJANGO_SECRET_KEY is not set, and a link is only valid when signed with the ` +
      `secret the Flagsmith API runs with. To choose a password, use "Forgot password" on the login page (needs email ` +
      `sending configured in Flagsmith), or run \`python manage.py changepassword ${user.email}\` in the Flagsmith API container.`,
  };
}
