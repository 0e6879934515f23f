import type { Request } from 'express';
import type { Clock } from '../../lib/clock.js';
import { readFacadeToken } from './facade-cookie.js';
import type { FacadeAccount, FacadeService } from './facade-service.js';
import type { FacadeSessionStore } from './facade-session-store.js';

export interface FacadeSessionDeps {
  service: FacadeService;
  sessions: FacadeSessionStore;
  clock: Clock;
}

/** The account behind the request's `crm.sid=fu.…` cookie: live session, existing active account. */
export async function resolveFacadeSession(
  deps: FacadeSessionDeps,
  req: Request,
): Promise<{ token: string; account: FacadeAccount } | null> {
  const token = readFacadeToken(req);
  if (!token) return null;
  const legacyUserId = await deps.sessions.find(token, deps.clock.now());
  const account = legacyUserId === null ? null : await deps.service.accountFor(legacyUserId);
  return account ? { token, account } : null;
}
