import { unsign } from 'cookie-signature';
import type { Request } from 'express';
import { readBearer } from '../fu-auth/http/transports.js';
import {
  FACADE_SESSION_PREFIX,
  FU_AUTH_COOKIE,
  LEGACY_SESSION_COOKIE,
} from '../lib/contracts/cookies.js';
import { readCookieValue } from '../lib/http/cookies.js';
import { isIssuableToken } from '../lib/random.js';

/**
 * Every session credential a request carries, whether or not it is still valid: what a logout
 * ends, and what a credential change keeps (the session that made the change).
 */
export interface CarriedCredentials {
  /** express-session's session id, when `crm.sid` is `s:<id>.<signature>` with a good signature. */
  legacySessionId: string | null;
  /** The facade session token, when `crm.sid` is `fu.<token>`. */
  facadeToken: string | null;
  /** The database strategy's token (`fastapiusersauth`). */
  accessToken: string | null;
  /** A bearer JWT: not a session, nothing can end it (it lives until `exp`). */
  bearer: string | null;
}

export type CredentialReader = (req: Request) => CarriedCredentials;

/** `sessionSecret` is express-session's: a `s:` value whose signature fails names no session. */
export function createCredentialReader(sessionSecret: string): CredentialReader {
  return (req) => {
    const session = readCookieValue(req.headers.cookie, LEGACY_SESSION_COOKIE) ?? '';
    const signed = session.startsWith('s:') ? unsign(session.slice(2), sessionSecret) : false;
    const facade = session.startsWith(FACADE_SESSION_PREFIX)
      ? session.slice(FACADE_SESSION_PREFIX.length)
      : '';
    return {
      legacySessionId: signed || null,
      facadeToken: facade || null,
      accessToken: readCookieValue(req.headers.cookie, FU_AUTH_COOKIE) || null,
      bearer: readBearer(req),
    };
  };
}

/** The session ids and tokens a credential change must leave alone. */
export function keptSessions(carried: CarriedCredentials): string[] {
  return [carried.legacySessionId, carried.facadeToken, carried.accessToken].filter(
    (value): value is string => value !== null && isIssuableToken(value),
  );
}
