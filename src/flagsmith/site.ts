/** The Django Site row that Flagsmith builds links from (WRITES.md §1.11, §9; contract §1 `app_domain`). */
import type { Plan } from "../kinds/plan.ts";
import type { RunSettings, Sql } from "./context.ts";
import { guardWrite } from "./sql/write-error.ts";

/** The placeholder Django's sites migration writes; only it may be replaced (create-only). */
const PLACEHOLDER = "example.com";
/** django_site.name is varchar(50); Django's own default row has name = domain. */
const NAME_LENGTH = 50;

/**
 * Applies app_domain to django_site row 1 while it still holds Django's placeholder, and returns the
 * domain links should use: FLAGSMITH_DOMAIN when set (Flagsmith's DOMAIN_OVERRIDE wins there too),
 * else the site row's domain after the update, else null (no row).
 */
export async function applySiteDomain(
  sql: Sql,
  appDomain: Plan["appDomain"],
  settings: RunSettings,
): Promise<{ domain: string | null; warnings: string[] }> {
  const [row] = await sql<{ domain: string }[]>`select domain from public.django_site where id = 1`;
  let current = row?.domain ?? null;
  const warnings: string[] = [];
  if (appDomain) {
    // "FLAGSMITH_DOMAIN wins" (contract §1): it is what Flagsmith itself builds links from, so the
    // row we write agrees with it rather than with a stale file value.
    const value = settings.flagsmithDomain || appDomain.value;
    // As Flagsmith's init form (users/forms.py InitConfigForm.update_site) sets both; we have no
    // separate site name, so the name is the domain, as in Django's own default row.
    const name = value.slice(0, NAME_LENGTH);
    const batch = [{ label: `"${value}"`, source: appDomain.source }];
    if (current === null) {
      // Django's post_migrate inserts row 1 with an explicit pk and then resets the sequence; so do we.
      await guardWrite("site domain", batch, async () => {
        await sql`insert into public.django_site (id, domain, name) values (1, ${value}, ${name})`;
        await sql`select setval(pg_get_serial_sequence('public.django_site', 'id'), (select max(id) from public.django_site))`;
      });
      current = value;
    } else if (current === PLACEHOLDER && value !== PLACEHOLDER) {
      await guardWrite(
        "site domain",
        batch,
        () => sql`update public.django_site set domain = ${value}, name = ${name} where id = 1`,
      );
      current = value;
    } else if (current !== value) {
      warnings.push(`app_domain "${value}" not applied: the site domain is already "${current}"`);
    }
  }
  return { domain: settings.flagsmithDomain || current, warnings };
}
