import postgres from "postgres";
import type { Env } from "../io.ts";
import { UserError } from "../errors.ts";
import { checkPort, parseDatabaseUrl, type ConnectionTarget } from "./url.ts";

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
  if (databaseUrl) return checked(databaseUrl, "--database-url");
  if (env.DATABASE_URL) return checked(env.DATABASE_URL, "DATABASE_URL");
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
  const host = env.DJANGO_DB_HOST || "localhost";
  const port = checkPort(env.DJANGO_DB_PORT ?? "", "DJANGO_DB_PORT");
  const encode = encodeURIComponent;
  // Every part percent-encoded, so any character of a password or name survives; a socket directory goes in ?host=.
  const authority = host.startsWith("/") ? "localhost" : host.includes(":") ? `[${host}]` : encode(host);
  const socket = host.startsWith("/") ? `?host=${encode(host)}` : "";
  const url = `postgres://${encode(env.DJANGO_DB_USER!)}:${encode(env.DJANGO_DB_PASSWORD!)}@${authority}:${port}/${encode(env.DJANGO_DB_NAME)}${socket}`;
  return checked(url, "DJANGO_DB_*");
}

/** The URL, once it has been read without a problem (else a UserError naming `origin`, exit 2). */
function checked(url: string, origin: string): string {
  parseDatabaseUrl(url, origin);
  return url;
}

/** Default seconds to wait for a connection (TCP, TLS, startup) before giving up on one attempt. */
const CONNECT_TIMEOUT = 10;

/**
 * Opens a postgres.js client, runs fn, and always ends the client. prepare: false because PgBouncer in
 * transaction pooling mode cannot keep named prepared statements; TLS follows the URL's sslmode.
 */
export async function withDatabase<T>(
  url: string | ConnectionTarget,
  fn: (sql: postgres.Sql) => Promise<T>,
  options: { onQuery?: (query: string) => void; connectTimeout?: number } = {},
): Promise<T> {
  const { onQuery, connectTimeout = CONNECT_TIMEOUT } = options;
  const target = typeof url === "string" ? parseDatabaseUrl(url, "the database URL") : url;
  let closed = false;
  const sql = postgres({
    ...driverOptions(target),
    prepare: false,
    // One connection: the run is one transaction, and replicas of an init container should not
    // hold more than one server connection each.
    max: 1,
    connect_timeout: connectTimeout,
    onnotice: () => {},
    // Shows up in pg_stat_activity, so DBAs can tell our connection from Flagsmith's.
    connection: { application_name: "flagsmith-provision", ...target.parameters },
    onclose: () => void (closed = true),
    ...(onQuery ? { debug: (_connection: number, query: string) => onQuery(query) } : {}),
  });
  // After the server closes the connection (terminated, restarted), postgres.js still tries to send
  // ROLLBACK on it from a timer and throws a TypeError nobody can catch. The run has already failed with
  // a clean CONNECTION_CLOSED by then, so that echo is dropped; anything else stray is still a bug.
  const dropEcho = (error: unknown) => {
    if (!closed) throw error;
  };
  process.on("uncaughtException", dropEcho);
  try {
    return await fn(sql);
  } finally {
    // A lost connection has nothing left to finish: do not wait for its queued ROLLBACK.
    await sql.end({ timeout: closed ? 0 : 5 });
    // Let the driver's pending timers run while the echo is still dropped.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("uncaughtException", dropEcho);
  }
}

/**
 * The target as postgres.js options. A socket directory becomes an explicit socket path: postgres.js would
 * split a host like Cloud SQL's `/cloudsql/project:region:instance` at its colons.
 */
function driverOptions(target: ConnectionTarget): postgres.Options<{}> {
  const { host, port, parameters: _, ...rest } = target;
  if (host.length === 1 && host[0]!.startsWith("/")) return { ...rest, path: `${host[0]}/.s.PGSQL.${port[0]}` };
  // Several hosts (libpq's multi-host URL) go as arrays, which postgres.js tries in turn.
  const hosts =
    host.length === 1
      ? { host: host[0]!, port: port[0]! }
      : ({ host, port } as unknown as { host: string; port: number });
  return { ...rest, ...hosts };
}
