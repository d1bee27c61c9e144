import { ExitCode, UserError } from "../errors.ts";
import { findSchemaProblems, readColumns } from "../flagsmith/compat.ts";
import { withDatabase } from "./connect.ts";

/** Why the database is not ready yet, or null when it is. Never contains the URL (it may hold a password). */
async function probe(url: string, connectTimeout: number): Promise<string | null> {
  try {
    return await withDatabase(
      url,
      async (sql) => {
        const { missing, unknown } = findSchemaProblems(await readColumns(sql));
        const problems = [...missing, ...unknown];
        if (problems.length === 0) return null;
        const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
        return `Flagsmith's migrations are not applied yet: ${problems[0]}${more}`;
      },
      { connectTimeout },
    );
  } catch (error) {
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
 * --wait SECONDS: retry with backoff until the database accepts connections and Flagsmith's migrations
 * are applied (every table and column we use exists). Progress goes to `log`; on timeout a UserError
 * with exit code 1 names the last reason.
 */
export async function waitForDatabase(url: string, seconds: number, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const deadline = started + seconds * 1000;
  let delay = 500;
  for (let attempt = 1; ; attempt++) {
    const remaining = (deadline - Date.now()) / 1000;
    const reason = await probe(url, Math.max(1, Math.min(10, Math.ceil(remaining))));
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
