/**
 * Failures of the database itself (refusals, lost connections, unreachable servers): the environment,
 * not a bug, so they get a clean message and exit 1. Classified by instanceof and by error codes, never by
 * class names, which the minified binary renames.
 */
import postgres from "postgres";

/** What to do about the server errors an operator meets, by SQLSTATE. */
const SERVER_HINTS: Record<string, string> = {
  "3D000": "check the database name (the URL's path, or DJANGO_DB_NAME)",
  "28000": "check the user name (the URL's user, or DJANGO_DB_USER) and pg_hba.conf",
  "28P01": "check the password (the URL's password, or DJANGO_DB_PASSWORD)",
  "53300": "the server has no connection slot left: retry later, raise max_connections, or connect through PgBouncer",
  "42501": "the database user needs the privileges Flagsmith's own user has on its tables",
  "57014": "a statement took longer than statement_timeout: raise it for this user or database",
  "57P01": "the server ended the connection (restart or pg_terminate_backend): run again",
  "57P03": "the server is starting up or shutting down: run again, or use --wait SECONDS",
  "22021": "a value holds a character PostgreSQL cannot store (a NUL byte or invalid UTF-8)",
  "25006": "the server is read-only (a standby): point the URL at the primary",
};

/** postgres.js's own connection failures, and the socket and TLS errors of Bun's network stack. */
const CONNECTION_CODES =
  /^(CONNECTION_(CLOSED|DESTROYED|ENDED)|CONNECT_TIMEOUT|SASL_SIGNATURE_MISMATCH|AUTH_TYPE_NOT_IMPLEMENTED|MESSAGE_NOT_SUPPORTED|E[A-Z]+|ERR_TLS_\w+|\w*CERT\w*)$/;

/** The lines of a database failure, or null when the error is not one. */
export function describeDatabaseError(error: unknown): string[] | null {
  if (error instanceof postgres.PostgresError) {
    const lines = [`error: database: ${error.message}`, `  postgres code: ${error.code}`];
    if (error.detail) lines.push(`  detail: ${error.detail}`);
    const hint = error.hint || SERVER_HINTS[error.code];
    if (hint) lines.push(`  hint: ${hint}`);
    return lines;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || typeof code !== "string" || !CONNECTION_CODES.test(code)) return null;
  const lines = [`error: database: ${error.message}`, `  code: ${code}`];
  if (/^CONNECTION_(CLOSED|DESTROYED|ENDED)$/.test(code)) {
    lines.push("  hint: the connection was lost (server restart, pg_terminate_backend, a proxy timeout): run again");
  }
  return lines;
}
