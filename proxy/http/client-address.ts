/**
 * The client's address, as the guard counts distinct clients: the connection's peer, or, behind a
 * trusted load balancer (PROXY_TRUST_FORWARDED), the last X-Forwarded-For entry, the one that
 * balancer appended (earlier entries are whatever the client claimed). Read before the proxy
 * rewrites X-Forwarded-For (forwarded-headers.ts).
 */
import type { IncomingMessage } from 'node:http';

export function clientAddress(req: IncomingMessage, trustForwarded: boolean): string {
  const peer = req.socket.remoteAddress ?? '';
  if (!trustForwarded) return peer;
  const header = req.headers['x-forwarded-for'];
  const value = Array.isArray(header) ? header[header.length - 1] : header;
  const last = value?.split(',').pop()?.trim();
  return last ? last : peer;
}
