/**
 * Which Flagsmith schema a database has, for the export's header: a release this tool knows by its migrations, or
 * the migrations themselves. Two databases migrated alike read alike (the round trip compares exports byte for byte).
 */
import type { Sql } from "../context.ts";

/** Releases by what `django_migrations` holds after their migrations: how many, and the latest of app "features". */
const KNOWN: ReadonlyArray<{ release: string; migrations: number; features: string }> = [
  { release: "v2.265.0", migrations: 595, features: "0067_add_feature_state_mv_hashing_salt" },
  { release: "v2.203.0", migrations: 520, features: "0065_make_feature_value_size_configurable" },
];

export async function describeSchema(sql: Sql): Promise<string> {
  const [row] = await sql<{ migrations: number; features: string | null }[]>`
    select count(*)::int as migrations, max(name) filter (where app = 'features') as features from django_migrations`;
  const { migrations, features } = row!;
  const known = KNOWN.find((k) => k.migrations === migrations && k.features === features);
  if (known) return `Flagsmith ${known.release} (${migrations} migrations applied)`;
  return `v2.265.0-compatible (${migrations} migrations applied, features at ${features ?? "none"})`;
}
