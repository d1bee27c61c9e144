/**
 * Database refusals as ApplyErrors that name what was being created and where it was declared
 * (ARCHITECTURE §8): `creating organisation "Acme" (file.yaml:3:5): <postgres message>`.
 *
 * USAGE: `await guardWrite("organisation", actions.map((a) => ({ label: `"${a.entity.name}"`, source: a.entity.source })), () => insert…)`
 */
import { ApplyError, formatPosition, type Position } from "../errors.ts";

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
    const which = culprit ? [culprit] : batch;
    const named = which.map((w) => `${w.label} (${formatPosition(w.source)})`).join(", ");
    const subject = which.length === 1 ? `${kind} ${named}` : `${which.length} ${kind}s: ${named}`;
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

function pickCulprit(batch: Written[], detail: string | undefined): Written | undefined {
  if (batch.length === 1) return batch[0];
  if (!detail) return undefined;
  // Detail reads like `Key (prefix)=(abc) already exists.`; the label is quoted, the detail is not.
  const hits = batch.filter((w) => detail.includes(`=(${w.label.replace(/^"|"$/g, "")})`));
  return hits.length === 1 ? hits[0] : undefined;
}
