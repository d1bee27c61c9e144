import { upTo } from "./json-form.ts";

/**
 * A host or host:port, as Django's Site domain and FLAGSMITH_DOMAIN hold it: Flagsmith writes links as
 * `https://{domain}/…`, so a scheme, a path or a slash in it (`https://x/`) would make every link wrong
 * (`https://https://x//…`). A host is a DNS name (letters, digits, `-`, `_`, dot-separated labels), an IPv4
 * address, or an IPv6 address in brackets; a port is 1 to 65535.
 */
const LABEL = "[\\p{L}\\p{N}_](?:[\\p{L}\\p{N}_-]*[\\p{L}\\p{N}_])?";
const HOST = `(?:${LABEL}(?:\\.${LABEL})*\\.?|\\[[0-9A-Fa-f:.]+\\])`;
const HOST_AND_PORT = new RegExp(`^${HOST}(?::(\\d{1,5}))?$`, "u");

/** `isHostAndPort` as a regular expression's source (Unicode mode), the port's range written out: for the JSON Schema. */
export const HOST_AND_PORT_PATTERN = `^${HOST}(?::(?=\\d{1,5}$)(?!0+$)0*(?:${upTo(65_535)}))?$`;

/** Whether `value` is a host or host:port (see above). */
export function isHostAndPort(value: string): boolean {
  const match = HOST_AND_PORT.exec(value);
  if (!match) return false;
  const port = match[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65_535);
}

/** What to say about a value that is not one, for app_domain and FLAGSMITH_DOMAIN alike. */
export const HOST_AND_PORT_EXAMPLE = "a host or host:port, like flagsmith.example.com or localhost:8000";
export const HOST_AND_PORT_HINT = "write the domain alone: no scheme (https://), path or trailing slash";
