/**
 * What an upstream failure was, and whether the request may be tried again on legacy: only a
 * new arm that refused the connection (nothing reached it), on a legacy auth route, once, before
 * any byte of a response, and only when the body can be sent again (buffered, or none at all).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasNoBody } from './read-body.js';
import type { RequestContext } from './request-context.js';
import { UpstreamTimeoutError } from './upstream-proxies.js';

export type UpstreamFailure = 'timeout' | 'refused' | 'reset' | 'other';

export function upstreamFailure(error: NodeJS.ErrnoException): UpstreamFailure {
  if (error instanceof UpstreamTimeoutError) return 'timeout';
  if (error.code === 'ECONNREFUSED') return 'refused';
  if (error.code === 'ECONNRESET') return 'reset';
  return 'other';
}

export function canRetryOnLegacy(
  retryOnLegacy: boolean,
  failure: UpstreamFailure,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): boolean {
  return (
    retryOnLegacy &&
    failure === 'refused' &&
    ctx.arm === 'new' &&
    ctx.route.kind === 'legacy_auth' &&
    !ctx.retried &&
    !res.headersSent &&
    (ctx.body !== undefined || hasNoBody(req))
  );
}
