import postgres from "postgres";
import type { Env } from "../spec/source.ts";
import { UserError } from "../errors.ts";

/**
 * --database-url, else DATABASE_URL, else DJANGO_DB_HOST/PORT/NAME/USER/PASSWORD. null when nothing is configured.
 *
 * Mirrors Flagsmith's app/settings/common.py: DATABASE_URL wins; otherwise the DJANGO_DB_* variables
 * are used when DJANGO_DB_NAME is set, and then all five are required (Flagsmith reads them with
 * os.environ[...], so it has no defaults either). An empty DJANGO_DB_PORT means 5432 and an empty
 * DJANGO_DB_HOST means localhost, as libpq treats them. A DJANGO_DB_HOST starting with "/" is a Unix-socket
 * directory (as for psycopg, e.g. Cloud SQL's /cloudsql/…); it goes into the URL as libpq's `?host=`.
 */
export function resolveDatabaseUrl(options: { databaseUrl?: string; env: Env }): string | null {
  const { databaseUrl, env } = options;
  if (databaseUrl) return databaseUrl;
  if (env.DATABASE_URL) return env.DATABASE_URL;
  if (env.DJANGO_DB_NAME === undefined) return null;
  const names = ["DJANGO_DB_HOST", "DJANGO_DB_PORT", "DJANGO_DB_USER", "DJANGO_DB_PASSWORD"] as const;
  const unset = names.filter((n) => env[n] === undefined);
  if (unset.length > 0) {
    throw new UserError([
      {
        rule: "database-settings",
        message: `DJANGO_DB_NAME is set but ${unset.join(", ")} ${unset.length === 1 ? "is" : "are"} not`,
        hint: "set all of DJANGO_DB_HOST, DJANGO_DB_PORT, DJANGO_DB_NAME, DJANGO_DB_USER and DJANGO_DB_PASSWORD (as Flagsmith requires), or DATABASE_URL",
      },
    ]);
  }
  const url = new URL("postgres://localhost");
  const host = env.DJANGO_DB_HOST || "localhost";
  if (host.startsWith("/")) url.searchParams.set("host", host);
  else url.hostname = host;
  url.port = env.DJANGO_DB_PORT || "5432";
  url.username = encodeURIComponent(env.DJANGO_DB_USER!);
  url.password = encodeURIComponent(env.DJANGO_DB_PASSWORD!);
  url.pathname = "/" + encodeURIComponent(env.DJANGO_DB_NAME);
  return url.toString();
}

/** postgres.js does not percent-decode the database name (libpq does); pass it decoded. */
function databaseOption(url: string): { database?: string } {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\/([^?#]+)/i.exec(url);
  if (!match?.[1]) return {};
  try {
    return { database: decodeURIComponent(match[1]) };
  } catch {
    return {};
  }
}

/**
 * A Unix-socket directory given the libpq way, `?host=/dir` or a percent-encoded host (`%2Fdir`), as
 * postgres.js takes it: a `host` option beside a URL without it (postgres.js would send an unknown `host`
 * query parameter to the server as a setting, and cannot parse an encoded path as a host).
 */
export function socketOption(url: string): { url: string; host?: string } {
  const encoded = /^([a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?)(%2F[^:/?#]*)/i.exec(url);
  if (encoded) {
    return { url: url.replace(encoded[2]!, "localhost"), host: decodeURIComponent(encoded[2]!) };
  }
  const query = url.indexOf("?");
  if (query < 0) return { url };
  const params = new URLSearchParams(url.slice(query + 1));
  const host = params.get("host");
  if (!host?.startsWith("/")) return { url };
  params.delete("host");
  const rest = params.toString();
  return { url: url.slice(0, query) + (rest ? `?${rest}` : ""), host };
}

/** Default seconds to wait for a connection (TCP, TLS, startup) before giving up on one attempt. */
const CONNECT_TIMEOUT = 10;

/**
 * Opens a postgres.js client, runs fn, and always ends the client. prepare: false because PgBouncer in
 * transaction pooling mode cannot keep named prepared statements; TLS follows the URL's sslmode.
 */
export async function withDatabase<T>(
  url: string,
  fn: (sql: postgres.Sql) => Promise<T>,
  options: { onQuery?: (query: string) => void; connectTimeout?: number } = {},
): Promise<T> {
  const { onQuery, connectTimeout = CONNECT_TIMEOUT } = options;
  const socket = socketOption(url);
  const sql = postgres(socket.url, {
    ...databaseOption(socket.url),
    ...(socket.host !== undefined && { host: socket.host }),
    prepare: false,
    // One connection: the run is one transaction, and replicas of an init container should not
    // hold more than one server connection each.
    max: 1,
    connect_timeout: connectTimeout,
    onnotice: () => {},
    // Shows up in pg_stat_activity, so DBAs can tell our connection from Flagsmith's.
    connection: { application_name: "flagsmith-provision" },
    ...(onQuery ? { debug: (_connection: number, query: string) => onQuery(query) } : {}),
  });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
