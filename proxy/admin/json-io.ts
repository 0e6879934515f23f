import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProxyError } from '../proxy-errors.js';
import { readLimitedBody } from '../http/read-body.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Reads a JSON object body of at most 64 KiB; anything else is INVALID_REQUEST / BODY_TOO_LARGE. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const read = await readLimitedBody(req, 64 * 1024);
  if (!read.ok)
    throw new ProxyError(read.reason === 'too_large' ? 'BODY_TOO_LARGE' : 'BAD_REQUEST_BODY');
  try {
    return JSON.parse(read.body.toString('utf8') || '{}');
  } catch {
    throw new ProxyError('INVALID_REQUEST', { issues: ['body: must be JSON'] });
  }
}
