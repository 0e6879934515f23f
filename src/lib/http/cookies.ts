import { parse } from 'cookie';

/**
 * Reads one cookie from a `Cookie` header with the `cookie` package (the parser express and
 * express-session use): the first occurrence wins, surrounding double quotes are removed, and the
 * value is percent-decoded when that is possible.
 */
export function readCookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const cookies = parse(header);
  // The parser returns a plain object: `constructor` and friends are not cookies.
  return Object.hasOwn(cookies, name) ? cookies[name] : undefined;
}
