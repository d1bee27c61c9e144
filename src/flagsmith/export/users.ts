/**
 * Users (`--include users`): every user of the instance when nothing is filtered, else the users the exported
 * content names. One query. A password hash only with `--include password-hashes`, and only one Flagsmith can check;
 * an unusable password is no password (the user gets a new unusable one).
 */
import { IN_DATABASE, userKey, type UserPassword } from "../../kinds/index.ts";
import { isFlagsmithPasswordHash } from "../../kinds/password-hash.ts";
import { quoted, type Reading } from "./reading.ts";

type UserRow = {
  email: string;
  is_superuser: boolean;
  is_staff: boolean;
  is_active: boolean;
  first_name: string;
  last_name: string;
  username: string | null;
  password: string;
};

export async function readUsers(r: Reading): Promise<void> {
  const { include, organisations, projects } = r.filters;
  if (!include.has("users") && !include.has("password-hashes")) {
    r.notes.add(null, "users the export names but does not declare (add --include users)", null, r.users.size);
    return;
  }
  const everyone = organisations.length === 0 && projects.length === 0;
  const rows = await r.sql<UserRow[]>`
    select email, is_superuser, is_staff, is_active, first_name, last_name, username, password
    from users_ffadminuser where ${everyone} or id = any(${[...r.users.keys()]}::int[]) order by id`;
  const seen = new Set<string>();
  for (const u of rows) {
    const what = quoted(u.email);
    if (seen.has(userKey(u.email))) {
      r.notes.add(null, "users whose email differs from an older one's only in case (left out)", what);
      continue;
    }
    seen.add(userKey(u.email));
    if (u.is_staff !== u.is_superuser)
      r.notes.add(null, "staff flags that differ from is_superuser (created equal to it)", what);
    if (!u.is_active) r.notes.add(null, "inactive users (created active)", what);
    r.desired.users.push({
      email: u.email,
      isSuperuser: u.is_superuser,
      firstName: u.first_name,
      lastName: u.last_name,
      username: u.username,
      password: passwordOf(r, u),
      source: IN_DATABASE,
    });
  }
}

function passwordOf(r: Reading, u: UserRow): UserPassword {
  if (!r.filters.include.has("password-hashes") || u.password.startsWith("!")) return { kind: "unusable" };
  if (isFlagsmithPasswordHash(u.password)) return { kind: "hash", value: u.password };
  r.notes.add(null, "password hashes Flagsmith cannot check (left out)", quoted(u.email));
  return { kind: "unusable" };
}
