/**
 * The proxy's one error registry (data plane and admin API): CODE → status and message. Every
 * error the proxy itself produces is rendered as `{"error": "<code in lower case>", "code":
 * "<CODE>", "message": "…"}`: `error` matches the legacy contract's shape, so a legacy client that
 * only reads `error` still gets a stable token; `code` is what tests and dashboards assert on.
 * The exceptions are the answers on fastapi-users' surface (native `/fu_auth`, not its legacy
 * facade): the `gate_fu_auth` 404, an unreadable body, and the data plane's own failures there are
 * `{"detail": …}` so that a `/fu_auth` client never meets another surface's body (the gate's 404
 * and an unreadable body on the facade are the legacy contract's own; http/surface-answers.ts).
 */
import type { ServerResponse } from 'node:http';

export const PROXY_ERRORS = {
  UPSTREAM_UNAVAILABLE: { status: 502, message: 'the upstream could not be reached' },
  UPSTREAM_TIMEOUT: { status: 504, message: 'the upstream did not answer in time' },
  BODY_TOO_LARGE: { status: 413, message: 'the request body is larger than this route accepts' },
  BAD_REQUEST_BODY: { status: 400, message: 'the request body could not be read' },
  BAD_REQUEST_TARGET: { status: 400, message: 'the request target is not a valid URL' },
  ADMIN_UNAUTHORIZED: { status: 401, message: 'a valid admin bearer token is required' },
  CROSS_SITE_REQUEST: {
    status: 403,
    message: 'a dashboard change must come from the dashboard page itself',
  },
  NOT_FOUND: { status: 404, message: 'no such route' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed on this route' },
  INVALID_REQUEST: { status: 400, message: 'the request is not valid' },
  POLICY_VERSION_CONFLICT: { status: 409, message: 'the policy changed since the version given' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'the control-plane database is unreachable' },
  INTERNAL: { status: 500, message: 'unexpected error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ProxyErrorCode = keyof typeof PROXY_ERRORS;

export class ProxyError extends Error {
  constructor(
    readonly code: ProxyErrorCode,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(PROXY_ERRORS[code].message, options);
    this.name = 'ProxyError';
  }
}

export function errorBody(code: ProxyErrorCode, details?: Record<string, unknown>) {
  return { error: code.toLowerCase(), code, message: PROXY_ERRORS[code].message, ...details };
}

/** Writes the JSON error unless a response is already under way (then the socket is cut). */
export function sendError(
  res: ServerResponse,
  code: ProxyErrorCode,
  details?: Record<string, unknown>,
): void {
  if (res.headersSent) {
    // Half a response cannot become a JSON error; cutting it is the only honest signal left.
    res.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(code, details));
  res.writeHead(PROXY_ERRORS[code].status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}
