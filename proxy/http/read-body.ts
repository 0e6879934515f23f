import type { IncomingMessage } from 'node:http';

/** The admin API's bounded body read: the one the auth routes' body reader uses too. */
export {
  readLimited as readLimitedBody,
  type LimitedRead as BodyResult,
} from '../../src/lib/http/read-limited.js';

/** True when the request has no body to replay (so a retry on another upstream is safe). */
export function hasNoBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding']) return false;
  const length = req.headers['content-length'];
  return length === undefined || Number(length) === 0;
}
