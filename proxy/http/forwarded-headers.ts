/**
 * Header hygiene at the edge, done once per request before anything is proxied:
 * - SECURITY: every `x-authshift-*` header a client sends is removed (after the override pair
 *   has been read), so no client can impersonate the proxy to an upstream.
 * - SECURITY: `X-Forwarded-For/Proto/Host` are set from the connection; a client's own values are
 *   used only with PROXY_TRUST_FORWARDED, i.e. behind a trusted load balancer. There the
 *   monolith is sent the one client the proxy resolves (client-address.ts: the entry the balancer
 *   appended), the client its guard counts too: the monolith trusts only this proxy's hop, so a
 *   chain ending in the balancer's own address made every client the balancer to its login
 *   limits (one budget, and one lockout, for everyone behind it).
 * - `Expect` is dropped: Node has already answered `100 Continue`, and a buffered body is
 *   re-sent in full.
 * - The client connection's own hop-by-hop headers are dropped on plain requests (RFC 9110
 *   §7.6.1), as nginx does: a client's `Connection: close` used to close the pooled upstream
 *   socket too, so every such request paid a new upstream connection. Upgrades keep theirs.
 */
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import { FORCE_ARM_HEADER, SIGNATURE_HEADER } from '../policy/override.js';
import { clientAddress } from './client-address.js';

export const INTERNAL_HEADER_PREFIX = 'x-authshift-';

export interface OverrideHeaders {
  forceArm: string | undefined;
  signature: string | undefined;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function prepareHeaders(req: IncomingMessage, trustForwarded: boolean): OverrideHeaders {
  const headers = req.headers;
  const override = {
    forceArm: single(headers[FORCE_ARM_HEADER]),
    signature: single(headers[SIGNATURE_HEADER]),
  };
  for (const name of Object.keys(headers)) {
    if (name.startsWith(INTERNAL_HEADER_PREFIX)) delete headers[name];
  }
  delete headers.expect;
  const ip = req.socket.remoteAddress ?? '';
  const proto = req.socket instanceof TLSSocket ? 'https' : 'http';
  const host = headers.host ?? '';
  if (trustForwarded) {
    headers['x-forwarded-for'] = clientAddress(req, true) || ip;
    headers['x-forwarded-proto'] ??= proto;
    headers['x-forwarded-host'] ??= host;
  } else {
    headers['x-forwarded-for'] = ip;
    headers['x-forwarded-proto'] = proto;
    headers['x-forwarded-host'] = host;
  }
  return override;
}

/** The request's hop-by-hop headers; not for upgrades, whose `Connection: upgrade` must pass. */
export function dropHopByHop(req: IncomingMessage): void {
  const headers = req.headers;
  delete headers.connection;
  delete headers['keep-alive'];
  delete headers['proxy-connection'];
}
