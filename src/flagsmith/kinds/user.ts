/** Users: `users_ffadminuser` (WRITES.md §1.1), matched case-insensitively by email. */
import { UserError, type Issue } from "../../errors.ts";
import type { ActionOf, Secret } from "../../kinds/plan.ts";
import { IN_DATABASE, userKey, normaliseEmail, type DesiredUser } from "../../kinds/index.ts";

type UserRow = {
  id: number;
  email: string;
  is_superuser: boolean;
  first_name: string;
  last_name: string;
  username: string | null;
};
import { insertBatch, recordset } from "../sql/batch.ts";
import type { KindModule, WriteContext } from "../context.ts";
import { encodeUid, passwordResetLink, passwordResetToken, unusablePassword } from "../django.ts";
import { ambiguousExisting, groupRows, referencedEmails } from "../sql/lookups.ts";
import { guardWrite, type Written } from "../sql/write-error.ts";

/** Flagsmith's DEFAULT_DOMAIN, used by get_current_site_url when there is no site row (WRITES.md §9). */
const DEFAULT_DOMAIN = "app.flagsmith.com";

export const users: KindModule<"user"> = {
  async read(sql, desired, existing) {
    const ids = new Map<string, number | string>();
    // What drift compares; the password is never read (a secret), so the stored one stands in as unusable.
    const stored = new Map<string, DesiredUser>();
    const emails = referencedEmails(desired);
    if (emails.length === 0) return { ids, stored };
    // Login resolves users with email__iexact, so a case variant is the same user (WRITES.md §1.1).
    const rows = await sql<UserRow[]>`
      select id, email, is_superuser, first_name, last_name, username from public.users_ffadminuser
      where lower(email) = any(select lower(e) from unnest(${emails}::text[]) as e)`;
    const issues: Issue[] = [];
    for (const [key, found] of groupRows(rows, (r) => userKey(r.email))) {
      if (found.length > 1) {
        const at = desired.users.find((u) => userKey(u.email) === key);
        issues.push(
          ambiguousExisting(
            `user "${found[0]!.email}" (compared case-insensitively, as Flagsmith's login does)`,
            found.map((r) => r.id),
            at,
          ),
        );
      } else {
        const r = found[0]!;
        ids.set(key, r.id);
        stored.set(key, {
          email: r.email,
          isSuperuser: r.is_superuser,
          firstName: r.first_name,
          lastName: r.last_name,
          username: r.username,
          password: { kind: "unusable" },
          source: IN_DATABASE,
        });
      }
    }
    if (issues.length) throw new UserError(issues);
    return { ids, stored };
  },

  async create(ctx, actions) {
    // A plain password's hash (begun when applying started) is not awaited here: later kinds need the
    // ids now, so the row goes in with an unusable placeholder and gets its hash in one UPDATE after
    // every other kind, in the same transaction, so the committed row is the one Django would write.
    const hashes = actions.map((a) => ctx.hashes.password(a));
    const rows = actions.map((a) => ({
      email: normaliseEmail(a.entity.email),
      password: a.entity.password.kind === "hash" ? a.entity.password.value : unusablePassword(),
      is_superuser: a.entity.isSuperuser ?? false,
      // Django's create_superuser sets both; Flagsmith's superuser means is_staff AND is_superuser (§1.1).
      is_staff: a.entity.isSuperuser ?? false,
      first_name: a.entity.firstName ?? "",
      last_name: a.entity.lastName ?? "",
      username: a.entity.username ?? null,
    }));
    const batch = actions.map((a) => ({ label: `"${a.entity.email}"`, source: a.entity.source }));
    const inserted = await guardWrite("user", batch, () =>
      insertBatch<{ id: number; email: string }>(
        ctx.sql,
        {
          table: "users_ffadminuser",
          columns: {
            email: "text",
            password: "text",
            is_superuser: "boolean",
            is_staff: "boolean",
            first_name: "text",
            last_name: "text",
            username: "text",
          },
          computed: {
            is_active: "true",
            date_joined: "now()",
            marketing_consent_given: "true",
            uuid: "gen_random_uuid()",
          },
          returning: ["id", "email"],
        },
        rows,
      ),
    );
    const idOf = new Map(inserted.map((r) => [r.email, r.id]));
    const secrets = new Map<ActionOf<"user">, Secret[]>();
    const hashed: HashedPassword[] = [];
    actions.forEach((action, i) => {
      const id = idOf.get(rows[i]!.email)!;
      ctx.ids.user.set(action.key, id);
      if (action.entity.isSuperuser && action.entity.password.kind === "unusable") {
        secrets.set(action, [resetSecret(ctx, { id, email: rows[i]!.email, password: rows[i]!.password })]);
      }
      const hash = hashes[i];
      if (hash) hashed.push({ id, hash, written: batch[i]! });
    });
    if (hashed.length) ctx.deferredWrites.push(() => setPasswords(ctx, hashed));
    return secrets;
  },
};

/** A user inserted with a placeholder password, and the hash that replaces it. */
interface HashedPassword {
  id: number;
  hash: Promise<string>;
  written: Written;
}

/** Stores the users' password hashes once they are ready: one statement for all of them. */
async function setPasswords(ctx: WriteContext, users: HashedPassword[]): Promise<void> {
  const passwords = await Promise.all(users.map((u) => u.hash));
  const rows = users.map((u, i) => ({ id: u.id, password: passwords[i]! }));
  await guardWrite(
    "user",
    users.map((u) => u.written),
    () =>
      ctx.sql`
      update public.users_ffadminuser u set password = p.password
      from ${recordset(ctx.sql, rows)} as p(id int, password text) where u.id = p.id`,
  );
}

/** The bootstrap's way in for a superuser without a password: a reset link, or how to get one without the secret. */
function resetSecret(ctx: WriteContext, user: { id: number; email: string; password: string }): Secret {
  const secret = ctx.settings.djangoSecretKey;
  if (secret) {
    // Same inputs as Django's PasswordResetTokenGenerator for the row just written (last_login NULL).
    const token = passwordResetToken({
      pk: user.id,
      password: user.password,
      lastLogin: null,
      email: user.email,
      secret,
    });
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
