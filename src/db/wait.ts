import { ExitCode, UserError } from "../errors.ts";
import type postgres from "postgres";
import { withDatabase } from "./connect.ts";

/**
 * Asks a connected database whether it is ready: null when it is, else why not (waited for). A problem
 * waiting cannot fix is thrown as a UserError and ends the wait at once with its own exit code.
 */
export type ReadinessProbe = (sql: postgres.Sql) => Promise<string | null>;

/** Why the database is not ready yet, or null when it is. Never contains the URL (it may hold a password). */
async function probe(url: string, connectTimeout: number, ready: ReadinessProbe): Promise<string | null> {
  try {
    return await withDatabase(url, ready, { connectTimeout });
  } catch (error) {
    if (error instanceof UserError) throw error;
    return `cannot connect: ${describeError(error)}`;
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * --wait SECONDS: retry with backoff until the database accepts connections and `ready` says it is ready
 * (Flagsmith's migrations are done). Progress goes to `log`; on timeout a UserError
 * with exit code 1 names the last reason.
 */
export async function waitForDatabase(
  url: string,
  seconds: number,
  log: (line: string) => void,
  ready: ReadinessProbe,
): Promise<void> {
  const started = Date.now();
  const deadline = started + seconds * 1000;
  let delay = 500;
  for (let attempt = 1; ; attempt++) {
    const remaining = (deadline - Date.now()) / 1000;
    const reason = await probe(url, Math.max(1, Math.min(10, Math.ceil(remaining))), ready);
    const elapsed = ((Date.now() - started) / 1000).toFixed(1);
    if (reason === null) {
      if (attempt > 1) log(`Database is ready (after ${elapsed}s).`);
      return;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new UserError(
        [
          {
            rule: "database-wait-timeout",
            message: `gave up waiting for the database after ${seconds}s: ${reason}`,
            hint: "check the database URL and that Flagsmith's migrations run (its API container runs them at start), or raise --wait",
          },
        ],
        ExitCode.runtime,
      );
    }
    const pause = Math.min(delay, left);
    log(`Waiting for the database (${elapsed}s of ${seconds}s): ${reason}; retrying in ${(pause / 1000).toFixed(1)}s.`);
    await sleep(pause);
    delay = Math.min(delay * 2, 5000);
  }
}
