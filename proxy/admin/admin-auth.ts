import type { IncomingMessage } from 'node:http';
import { constantTimeEqual } from '../../src/lib/random.js';

/**
 * SECURITY: the admin API takes `Authorization: Bearer <PROXY_ADMIN_TOKEN>` only, compared in
 * constant time (a length mismatch still costs a comparison), so response timing says nothing
 * about how much of a guessed token was right.
 */
export function hasAdminToken(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '');
  return match !== null && constantTimeEqual(match[1]!, token);
}
