/**
 * Database URLs read the libpq way, strictly: a malformed URL is an invalid option (exit 2) that says
 * what is wrong without ever echoing the password, instead of a crash inside the driver or a silent
 * fallback to other settings. The result is handed to postgres.js as options, so its own lenient URL
 * parsing never sees the text.
 */
import { UserError } from "../errors.ts";

/** Connection settings taken from a URL, in the shape postgres.js takes as options. */
export interface ConnectionTarget {
  /** Host names, or a Unix-socket directory (starts with "/"). Several for libpq's multi-host URLs. */
  host: string[];
  port: number[];
  database?: string;
  username?: string;
  password?: string;
  /** postgres.js's `ssl` from libpq's sslmode; absent means postgres.js's default (no TLS). */
  ssl?: boolean | "allow" | "prefer" | "require" | "verify-full";
  /** Other query parameters: sent to the server as run-time settings, as postgres.js and libpq do. */
  parameters: Record<string, string>;
}

const SSL_MODES: Record<string, ConnectionTarget["ssl"]> = {
  disable: false,
  allow: "allow",
  prefer: "prefer",
  require: "require",
  // postgres.js has no CA-only check; verifying the host name as well is the stricter of the two.
  "verify-ca": "verify-full",
  "verify-full": "verify-full",
};

/** Query parameters libpq defines that are not server settings; the ones not listed here are passed through. */
const CLIENT_PARAMETERS = new Set([
  "host",
  "hostaddr",
  "port",
  "dbname",
  "user",
  "password",
  "sslmode",
  "sslrootcert",
  "connect_timeout",
]);

const ENCODE_HINT =
  "percent-encode special characters in the user name and password: @ as %40, : as %3A, / as %2F, # as %23, ? as %3F, % as %25";

/**
 * Parses `postgres://user:password@host:port/database?param=value` (or `postgresql://`). `origin` names
 * where the URL came from (`--database-url`, `DATABASE_URL`) in the message. Throws a UserError (exit 2).
 */
export function parseDatabaseUrl(url: string, origin: string): ConnectionTarget {
  const invalid = (what: string, hint = ENCODE_HINT): never => {
    throw new UserError([{ rule: "invalid-database-url", message: `${origin} ${what}`, hint }]);
  };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!scheme) invalid("is not a URL", "write it as postgres://user:password@host:5432/database");
  if (!/^postgres(ql)?$/i.test(scheme![1]!)) {
    invalid(
      `is a ${scheme![1]} URL; flagsmith-provision talks to PostgreSQL only`,
      "write it as postgres://user:password@host:5432/database",
    );
  }
  const rest = url.slice(scheme![0].length);
  if (rest.includes("#")) invalid(`contains "#", which ends a URL`);
  const authorityEnd = rest.search(/[/?]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd < 0 ? "" : rest.slice(authorityEnd);
  if (tail.includes("@")) invalid(`has an "@" after the host: a password with an unencoded "/", "?" or "@"?`);
  const at = authority.lastIndexOf("@");
  if (authority.indexOf("@") !== at) invalid(`contains more than one "@"`);
  const userinfo = at < 0 ? null : authority.slice(0, at);
  const hostList = at < 0 ? authority : authority.slice(at + 1);
  const decode = (text: string, part: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return invalid(`has a malformed percent-encoding (a % not followed by two hex digits) in the ${part}`);
    }
  };
  const target: ConnectionTarget = { host: [], port: [], parameters: {} };
  if (userinfo !== null) {
    const colon = userinfo.indexOf(":");
    const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (user) target.username = decode(user, "user name");
    if (colon >= 0) target.password = decode(userinfo.slice(colon + 1), "password");
  }
  const [path, query = ""] = splitOnce(tail, "?");
  if (path.length > 1) target.database = decode(path.slice(1), "database name");
  for (const pair of query ? query.split("&") : []) {
    if (!pair) continue;
    const [key, value = ""] = splitOnce(pair, "=").map((p) => decode(p!, "query parameters"));
    target.parameters[key!] = value;
  }
  const { host: queryHost, port: queryPort, dbname, user, password, sslmode } = target.parameters;
  for (const name of CLIENT_PARAMETERS) delete target.parameters[name];
  if (dbname) target.database = dbname;
  if (user) target.username = user;
  if (password !== undefined) target.password = password;
  if (sslmode !== undefined) {
    if (!(sslmode in SSL_MODES))
      invalid(`has sslmode "${sslmode}"`, `use one of: ${Object.keys(SSL_MODES).join(", ")}`);
    target.ssl = SSL_MODES[sslmode];
  }
  for (const entry of hostList ? hostList.split(",") : [""]) {
    // Split before decoding: a socket directory written `%2F…` may hold an encoded ":" (Cloud SQL's).
    const [host, port] = splitHostPort(entry, invalid);
    target.host.push(decode(host, "host"));
    target.port.push(checkPort(port, origin));
  }
  // libpq: `?host=` (a name or a socket directory) and `?port=` override what the authority says.
  if (queryHost) target.host = queryHost.split(",");
  if (queryPort) target.port = queryPort.split(",").map((p) => checkPort(p, origin));
  target.host = target.host.map((h) => h || "localhost");
  while (target.port.length < target.host.length) target.port.push(target.port.at(-1) ?? 5432);
  return target;
}

/** A port as text (empty: 5432) checked to be 1–65535; `origin` names the setting in the message. */
export function checkPort(port: string, origin: string): number {
  if (port === "") return 5432;
  const value = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (!(value >= 1 && value <= 65535)) {
    throw new UserError([
      {
        rule: "invalid-database-url",
        message: `${origin} has port "${port}", which is not a port number (1 to 65535)`,
        hint: "the PostgreSQL default is 5432",
      },
    ]);
  }
  return value;
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

/** `host`, `host:port` or `[::1]:port`, still percent-encoded. */
function splitHostPort(text: string, invalid: (what: string) => never): [string, string] {
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) invalid('has an IPv6 host without its closing "]"');
    const after = text.slice(close + 1);
    if (after && !after.startsWith(":")) invalid("has text after an IPv6 host");
    return [text.slice(1, close), after.slice(1)];
  }
  const colon = text.lastIndexOf(":");
  if (colon >= 0 && text.indexOf(":") !== colon) invalid(`has a host with more than one ":"`);
  return colon < 0 ? [text, ""] : [text.slice(0, colon), text.slice(colon + 1)];
}
