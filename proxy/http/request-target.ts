/**
 * The request target an upstream receives, computed once at the edge so that the route table,
 * the policy and the upstream all see the same path.
 *
 * http-proxy forwards `urlJoin(target.path, url.parse(req.url).path)`: the legacy URL parser
 * turns absolute-form (`GET http://h/p`) and `//user@host/p` into `/p`, drops a `#fragment`,
 * turns `\` into `/` before the query, and urlJoin collapses repeated slashes. Classifying the
 * raw `req.url` while forwarding that rewrite let `//fu_auth/register` or `http://x/fu_auth/…`
 * past the route table as "other" and still reach `/fu_auth/register` upstream.
 * SECURITY: the proxy sets `req.url` to this value before classifying, and hpm runs with
 * `toProxy` so the upstream gets exactly it (urlJoin is idempotent on it).
 */
import { parse } from 'node:url';

// PERF: origin-form targets of RFC 3986 characters, not starting with `//` and with no `//` or
// `:/` in the path, come out of url.parse + urlJoin unchanged (a property test pins this), so
// the common case costs one regex test instead of a URL parse per request.
const PLAIN_TARGET =
  /^\/(?!\/)[A-Za-z0-9\-._~!$&()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*)?$/;

/** The target to forward, or undefined when it is no URL at all (url.parse throws). */
export function upstreamTarget(url: string): string | undefined {
  if (PLAIN_TARGET.test(url) && !hasJoinQuirk(url)) return url;
  try {
    // The legacy parser on purpose: it is what http-proxy applied, and matching it is the point.
    return joinLikeHttpProxy(parse(url).path ?? '');
  } catch {
    return undefined; // e.g. `//a@]`: http-proxy threw too, and the client got a 500
  }
}

function hasJoinQuirk(url: string): boolean {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return path.includes('//') || path.includes(':/');
}

/** http-proxy's `common.urlJoin('/', path)`, quirks included (it restores `http://` once). */
function joinLikeHttpProxy(path: string): string {
  const [head = '', ...query] = path.split('?');
  const joined = ['/', head]
    .filter(Boolean)
    .join('/')
    .replace(/\/+/g, '/')
    .replace('http:/', 'http://')
    .replace('https:/', 'https://');
  return [joined, ...query].join('?');
}
