import type { ServerResponse } from 'node:http';
import type { FuUser } from '../store/user-store.js';

/**
 * FastAPI's JSONResponse: `content-type: application/json` with no charset, compact JSON.
 * `null` bodies (202/200 "no content" routes) are sent as the literal `null`.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

/** UserRead, keys in upstream's order; never a password or hash. */
export function userRead(user: FuUser) {
  return {
    id: user.id,
    email: user.email,
    is_active: user.isActive,
    is_superuser: user.isSuperuser,
    is_verified: user.isVerified,
  };
}
