/**
 * Relays an upstream response to the client (hpm runs with `selfHandleResponse`): status, the
 * end-to-end headers plus the proxy's own, then the body as it streams, with backpressure.
 *
 * - Hop-by-hop headers of the upstream connection (`Connection`, `Keep-Alive`, the names listed
 *   in `Connection`, `Transfer-Encoding`, `Proxy-Connection`) are not forwarded (RFC 9110
 *   §7.6.1): Node frames the body and announces the proxy's own keep-alive. Forwarding them told
 *   clients the upstream's `Keep-Alive: timeout=65` while the proxy closes idle sockets sooner.
 * - The proxy's headers come first, as they always did; an upstream's `x-request-id` wins over
 *   the proxy's (same value when the upstream echoes it), the proxy's arm header always wins.
 * - An upstream dying mid-body cuts the client connection (a half response must not look whole),
 *   and a client leaving mid-body stops the upstream response.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

const ALWAYS_HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
]);

export interface OwnHeaders {
  requestId: string;
  /** Absent when PROXY_ARM_HEADER is off. */
  arm?: string;
}

export const REQUEST_ID_HEADER = 'x-request-id';
export const ARM_HEADER = 'x-authshift-arm';

/** Flat `[name, value, …]` list for `writeHead` (one pass, no per-header `setHeader`). */
export function relayedHeaders(
  upstream: IncomingHttpHeaders,
  own: OwnHeaders,
): (string | string[])[] {
  const listed = upstream.connection;
  const dropped = listed ? connectionTokens(listed) : undefined;
  const out: (string | string[])[] = [];
  if (upstream[REQUEST_ID_HEADER] === undefined) out.push(REQUEST_ID_HEADER, own.requestId);
  if (own.arm !== undefined) out.push(ARM_HEADER, own.arm);
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || ALWAYS_HOP_BY_HOP.has(name) || dropped?.has(name)) continue;
    if (own.arm !== undefined && name === ARM_HEADER) continue;
    out.push(name, value);
  }
  return out;
}

function connectionTokens(value: string): Set<string> | undefined {
  // PERF: the usual values name no other header; skip the split and the Set.
  if (value === 'keep-alive' || value === 'close') return undefined;
  return new Set(value.split(',').map((token) => token.trim().toLowerCase()));
}

export function relayResponse(
  upstream: IncomingMessage,
  res: ServerResponse,
  own: OwnHeaders,
): void {
  const headers = relayedHeaders(upstream.headers, own);
  const status = upstream.statusCode ?? 502;
  // PERF: writeHead with a flat array takes Node's fast path when no header was set before.
  if (upstream.statusMessage) res.writeHead(status, upstream.statusMessage, headers);
  else res.writeHead(status, headers);
  // PERF: two listeners instead of pipe()'s dozen per request; the same backpressure.
  upstream.on('data', (chunk: Buffer) => {
    if (!res.write(chunk)) {
      upstream.pause();
      res.once('drain', () => upstream.resume());
    }
  });
  upstream.on('end', () => res.end());
  upstream.on('error', () => res.destroy());
  upstream.on('close', () => {
    if (!upstream.complete) res.destroy();
  });
  res.once('close', () => {
    if (!res.writableEnded) upstream.destroy();
  });
}
