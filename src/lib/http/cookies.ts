import { parse } from 'cookie';

/**
 * Reads one cookie from a `Cookie` header with the `cookie` package (the parser express and
 * express-session use): the first occurrence wins, surrounding double quotes are removed, and the
 * value is percent-decoded when that is possible.
 */
export function readCookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const cookies = parsed(header);
  // The parser returns a plain object: `constructor` and friends are not cookies.
  return Object.hasOwn(cookies, name) ? cookies[name] : undefined;
}

/**
 * One request's header is read for several cookies by several modules (session, facade token,
 * database token, routing claim): the last header's parse is kept, so it is parsed once. The
 * object never leaves this module, so no caller can change what the next one reads.
 */
let lastHeader: string | undefined;
let lastCookies: ReturnType<typeof parse> = {};
function parsed(header: string): ReturnType<typeof parse> {
  if (header !== lastHeader) {
    lastCookies = parse(header);
    lastHeader = header;
  }
  return lastCookies;
}
