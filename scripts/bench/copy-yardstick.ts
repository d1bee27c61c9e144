/**
 * The yardstick: how long PostgreSQL's COPY takes to load the same number of feature-state rows
 * (and their values) into a fresh database with the same schema, indexes and deferred foreign keys.
 * The rows reference real features and environments created first (untimed), as the apply's do.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";

export interface CopyTimes {
  rows: number;
  /** COPY of the states into features_featurestate, commit included. */
  featureStateMs: number;
  /** Of featureStateMs, the commit (where the deferred foreign keys are checked). */
  featureStateCommitMs: number;
  /** COPY of one value per state into features_featurestatevalue, commit included. */
  featureStateValueMs: number;
  featureStateValueCommitMs: number;
}

const CHUNK_ROWS = 5_000;

/** Text-format COPY rows in chunks, generated before the clock starts. */
function chunks(rows: number, line: (i: number) => string): string[] {
  const out: string[] = [];
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    let text = "";
    for (let i = start; i < Math.min(rows, start + CHUNK_ROWS); i++) text += line(i);
    out.push(text);
  }
  return out;
}

/** Total and commit milliseconds of one COPY in its own transaction. */
async function timedCopy(
  sql: postgres.Sql,
  statement: string,
  data: string[],
): Promise<{ ms: number; commitMs: number }> {
  const started = performance.now();
  let copied = started;
  await sql.begin(async (tx) => {
    const writable = await tx.unsafe(statement).writable();
    await pipeline(Readable.from(data), writable);
    copied = performance.now();
  });
  const ended = performance.now();
  return { ms: ended - started, commitMs: ended - copied };
}

/**
 * Times COPY of environments × features states into a database whose project (with `environments`
 * environments) already exists: creates the features with plain SQL first, untimed.
 */
export async function copyYardstick(url: string, project: string, featuresPerEnvironment: number): Promise<CopyTimes> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [p] = await sql<{ id: number }[]>`select id from projects_project where name = ${project}`;
    if (!p) throw new Error(`yardstick: project ${project} not found`);
    await sql`
      insert into features_feature (name, created_date, project_id, default_enabled, type, is_archived, uuid, is_server_key_only)
      select 'copy_feature_' || g, now(), ${p.id}, false, 'STANDARD', false, gen_random_uuid(), false
      from generate_series(1, ${featuresPerEnvironment}) g`;
    const environments = (
      await sql<{ id: number }[]>`select id from environments_environment where project_id = ${p.id} order by id`
    ).map((r) => r.id);
    const features = (
      await sql<{ id: number }[]>`select id from features_feature where project_id = ${p.id} order by id`
    ).map((r) => r.id);
    const rows = environments.length * features.length;
    const now = new Date().toISOString();

    const states = chunks(rows, (i) => {
      const e = environments[Math.floor(i / features.length)]!;
      const f = features[i % features.length]!;
      return `${crypto.randomUUID()}\t${f}\t${e}\t${i % 2 ? "t" : "f"}\t${now}\t${now}\t${now}\t1\n`;
    });
    const statesCopy = await timedCopy(
      sql,
      "copy features_featurestate (uuid, feature_id, environment_id, enabled, created_at, updated_at, live_from, version) from stdin",
      states,
    );

    const ids = (await sql<{ id: number }[]>`select id from features_featurestate order by id`).map((r) => r.id);
    const values = chunks(ids.length, (i) => `${crypto.randomUUID()}\t${ids[i]}\tunicode\t\\N\t\\N\tvalue-${i % 7}\n`);
    const valuesCopy = await timedCopy(
      sql,
      "copy features_featurestatevalue (uuid, feature_state_id, type, boolean_value, integer_value, string_value) from stdin",
      values,
    );
    return {
      rows,
      featureStateMs: statesCopy.ms,
      featureStateCommitMs: statesCopy.commitMs,
      featureStateValueMs: valuesCopy.ms,
      featureStateValueCommitMs: valuesCopy.commitMs,
    };
  } finally {
    await sql.end();
  }
}
