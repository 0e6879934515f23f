/**
 * The answers the proxy writes itself in a surface's own format, byte for byte what the monolith
 * would send (docs/proxy.md, "Unreadable bodies"): an unreadable body, and "not found" (the gate,
 * and a protocol upgrade on an auth route, which no engine serves). The surface is the path's
 * (src/lib/contracts/surface.ts): the legacy `{"error":…}` on /auth/* and the facade
 * /fu_auth/legacy/*, fastapi-users `{"detail":…}` on the rest of /fu_auth. The bodies come from the same
 * pure builders the monolith renders with (src/lib/contracts).
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { refusalError, type BodyRefusal } from '../../src/lib/contracts/body-refusal.js';
import { FU_JSON_TYPE, fuErrorBody } from '../../src/lib/contracts/fu-error-body.js';
import { LEGACY_JSON_TYPE, legacyErrorBody } from '../../src/lib/contracts/legacy-error-body.js';
import type { Surface } from '../../src/lib/contracts/surface.js';
import type { RenderableError } from '../../src/lib/contracts/validation-issue.js';
import { PROXY_ERRORS, sendError, type ProxyErrorCode } from '../proxy-errors.js';

const NOT_FOUND: RenderableError = { code: 'NOT_FOUND', status: 404, details: {} };

function render(surface: Surface, error: RenderableError) {
  const { status, body } = surface === 'fu' ? fuErrorBody(error) : legacyErrorBody(error);
  const type = surface === 'fu' ? FU_JSON_TYPE : LEGACY_JSON_TYPE;
  return { status, type, text: JSON.stringify(body) };
}

function send(res: ServerResponse, answer: ReturnType<typeof render>): void {
  res.writeHead(answer.status, {
    'content-type': answer.type,
    'content-length': Buffer.byteLength(answer.text),
  });
  res.end(answer.text);
}

export function sendRefusal(res: ServerResponse, surface: Surface, refusal: BodyRefusal): void {
  send(res, render(surface, refusalError(refusal)));
}

export function sendNotFound(res: ServerResponse, surface: Surface): void {
  send(res, render(surface, NOT_FOUND));
}

/** "Not found" on a socket an upgrade request arrived on; the connection is closed after it. */
export function upgradeNotFound(socket: Socket, surface: Surface, requestId: string): void {
  const answer = render(surface, NOT_FOUND);
  socket.end(
    `HTTP/1.1 404 Not Found\r\ncontent-type: ${answer.type}\r\n` +
      `content-length: ${Buffer.byteLength(answer.text)}\r\nx-request-id: ${requestId}\r\n` +
      `connection: close\r\n\r\n${answer.text}`,
  );
}

/**
 * A failure the proxy itself answers (an upstream it cannot reach, a timeout, its own error): on
 * `/fu_auth` fastapi-users' `{"detail": "<reason phrase>"}`, as Starlette renders an HTTPException,
 * so a fastapi-users client never meets another surface's body; elsewhere the proxy's own JSON,
 * whose `error` field is the legacy contract's shape.
 */
export function sendFailure(res: ServerResponse, surface: Surface, code: ProxyErrorCode): void {
  if (surface !== 'fu' || res.headersSent) return sendError(res, code);
  const status = PROXY_ERRORS[code].status;
  const text = JSON.stringify({ detail: STATUS_CODES[status] ?? 'Error' });
  res.writeHead(status, {
    'content-type': FU_JSON_TYPE,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
