import type { IncomingMessage } from 'node:http';
import { unsign } from 'cookie-signature';
import type { Store } from 'express-session';
import type { Authenticator } from 'passport';
import { LEGACY_SESSION_COOKIE } from '../lib/contracts/cookies.js';
import { readCookieValue } from '../lib/http/cookies.js';

/** A live express-session session with a logged-in user, as the reader found it. */
export interface LegacySessionRead {
  sid: string;
  /** What passport's deserialiser gave for the session's user (src/sessions/accounts.ts). */
  user: Express.User;
  /** The session cookie's max age (express-session's `originalMaxAge`), which a touch renews. */
  originalMaxAge: number;
}

export type LegacySessionReader = ReturnType<typeof createLegacySessionReader>;

/** The part of a stored session the reader looks at. */
interface StoredSession {
  cookie?: { originalMaxAge?: unknown };
  passport?: { user?: unknown };
}

/**
 * express-session + passport's reading of a legacy session, for requests that only read one
 * (src/hot-paths): the same cookie (`crm.sid=s:<id>.<signature>`, the same secret), the same store
 * row (connect-pg-simple's `get`, which skips expired rows), the same passport deserialiser, and
 * at the end the same touch express-session makes for a session the request did not change. It
 * never creates, saves, regenerates or destroys a session: whatever it does not recognise as a
 * live session with a user (no cookie, a bad signature, no row, no user, an odd cookie) is null,
 * and the caller leaves the request to the real chain, which handles every such case.
 */
export function createLegacySessionReader(deps: {
  store: Store;
  /** SESSION_SECRET, as given to express-session. */
  secret: string;
  passport: InstanceType<typeof Authenticator>;
}) {
  const get = (sid: string) =>
    new Promise<StoredSession | null>((resolve, reject) =>
      deps.store.get(sid, (error: unknown, session) =>
        error ? reject(error as Error) : resolve((session as StoredSession | undefined) ?? null),
      ),
    );
  const deserialize = (id: NonNullable<unknown>, req: IncomingMessage) =>
    new Promise<Express.User | null>((resolve, reject) =>
      deps.passport.deserializeUser(id, req, (error: unknown, user?: Express.User | false) =>
        error ? reject(error as Error) : resolve(user || null),
      ),
    );

  return {
    async read(req: IncomingMessage): Promise<LegacySessionRead | null> {
      const raw = readCookieValue(req.headers.cookie, LEGACY_SESSION_COOKIE);
      if (!raw?.startsWith('s:')) return null;
      const sid = unsign(raw.slice(2), deps.secret);
      if (sid === false) return null;
      const stored = await get(sid);
      const originalMaxAge = stored?.cookie?.originalMaxAge;
      const id = stored?.passport?.user;
      // passport reads a user id when it is truthy or 0; a session without one has no login.
      if (typeof originalMaxAge !== 'number' || !(id || id === 0)) return null;
      const user = await deserialize(id, req);
      return user ? { sid, user, originalMaxAge } : null;
    },

    /** express-session's touch of an unchanged session: it now expires its max age from now. */
    touch(session: LegacySessionRead): Promise<void> {
      const expires = new Date(Date.now() + session.originalMaxAge);
      return new Promise((resolve, reject) => {
        if (!deps.store.touch) return resolve();
        deps.store.touch(session.sid, { cookie: { expires } } as never, (error?: unknown) =>
          error ? reject(error as Error) : resolve(),
        );
      });
    },
  };
}
