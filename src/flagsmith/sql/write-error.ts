/**
 * Database refusals as ApplyErrors that name what was being created and where it was declared
 * (ARCHITECTURE §8): `creating organisation "Acme" (file.yaml:3:5): <postgres message>`.
 *
 * USAGE: `await guardWrite("organisation", actions.map((a) => ({ label: `"${a.entity.name}"`, source: a.entity.source
 * })), () => insert…)`
 */
import { ApplyError, formatPosition, type Position } from "../../errors.ts";

/** One entity of a batch: how the user names it (e.g. `"Acme"`) and where it is declared. */
export interface Written {
  label: string;
  source: Position;
}

interface PgError {
  message: string;
  code?: string;
  detail?: string;
  constraint_name?: string;
  hint?: string;
}

const isPgError = (e: unknown): e is PgError & Error => e instanceof Error && typeof (e as PgError).code === "string";

/**
 * Runs a batch write; a Postgres error becomes an ApplyError naming the entity (the one whose
 * label Postgres's detail mentions, else the only one, else the whole batch).
 */
export async function guardWrite<T>(kind: string, batch: Written[], write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isPgError(error)) throw error;
    const culprit = pickCulprit(batch, error.detail);
    const which = culprit ? [culprit] : batch.slice(0, NAMED_AT_MOST);
    const named = which.map((w) => `${w.label} (${formatPosition(w.source)})`).join(", ");
    const others = batch.length - which.length;
    // A batch can hold 100,000 rows: name a few, count the rest, so the message stays one readable line.
    const subject =
      culprit || batch.length === 1
        ? `${kind} ${named}`
        : `one of ${batch.length} ${kind}s: ${named}${others ? ` and ${others} more` : ""}`;
    throw new ApplyError(`creating ${subject}: ${error.message}`, {
      entity: `${kind} ${which[0]?.label ?? ""}`.trim(),
      position: which[0]?.source,
      code: error.code,
      detail: error.detail,
      constraint: error.constraint_name,
      hint: error.hint,
    });
  }
}

/** How many entities of a failed batch are named when Postgres's detail does not say which one failed. */
const NAMED_AT_MOST = 3;

function pickCulprit(batch: Written[], detail: string | undefined): Written | undefined {
  if (batch.length === 1) return batch[0];
  // Detail reads `Key (project_id, name)=(5, abc) already exists.` or `Failing row contains (1, abc, …).`
  const values = /(?:\)=\(|row contains \()(.*)\)/.exec(detail ?? "")?.[1]?.split(", ");
  if (!values) return undefined;
  const found = new Set(values);
  // A label's first quoted text is the entity's own name or email, the value its row holds.
  const hits = batch.filter((w) => found.has(/"([^"]*)"/.exec(w.label)?.[1] ?? w.label));
  return hits.length === 1 ? hits[0] : undefined;
}
