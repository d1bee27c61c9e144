import type postgres from "postgres";

/**
 * The advisory lock key every flagsmith-provision run takes: the ASCII bytes of "flagprov" as a
 * 64-bit integer. Fixed forever, so runs of different versions still serialise. A string, because
 * it does not fit a JavaScript number exactly; Postgres casts it to bigint.
 */
export const ADVISORY_LOCK_KEY = "7380380986249473910";

/** Thrown inside sql.begin to make postgres.js roll back a dry run; never escapes withTransaction. */
class DryRunRollback<T> {
  constructor(readonly result: T) {}
}

/**
 * One transaction that first takes the transaction-scoped advisory lock, so concurrent runs serialise
 * (the later one waits, then sees the first one's rows). Nothing session-scoped is used, so it works
 * through PgBouncer in transaction pooling mode. Any throw rolls back; { rollback: true } (dry run)
 * runs fn and then rolls back, returning fn's result.
 */
export async function withTransaction<T>(
  sql: postgres.Sql,
  fn: (tx: postgres.TransactionSql) => Promise<T>,
  options: { rollback?: boolean } = {},
): Promise<T> {
  try {
    return (await sql.begin(async (tx) => {
      // JIT off for this transaction (set_config local: nothing session-scoped, PgBouncer-safe): the planner's
      // estimates for our batch statements (recursive CTEs over unnest, jsonb recordsets) pass the JIT cost
      // thresholds, and compiling then costs 0.4 s where running takes milliseconds.
      await tx`select pg_advisory_xact_lock(${ADVISORY_LOCK_KEY}::bigint), set_config('jit', 'off', true)`;
      const result = await fn(tx);
      if (options.rollback) throw new DryRunRollback(result);
      return result;
    })) as T;
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result as T;
    throw error;
  }
}
