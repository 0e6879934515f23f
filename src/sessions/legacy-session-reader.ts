import type { IncomingMessage } from 'node:http';
import { unsign } from 'cookie-signature';
import type { Store } from 'express-session';
import type { Authenticator } from 'passport';
import { LEGACY_SESSION_COOKIE } from '../lib/contracts/cookies.js';
import { readCookieValue } from '../lib/http/cookies.js';

/**
 * What express-session and passport make of a request's `crm.sid`, for a route that only reads:
 * - `none`: no session to load (no `s:` cookie, a bad signature, no live row): express-session
 *   would make a new one and, as nothing changes it, neither save it nor send a cookie;
 * - `loaded`: a stored session, with passport's user or without one, which express-session
 *   touches when the response ends;
 * - `changed`: passport would change the session (its user is gone or disabled, so it drops the
 *   login and express-session saves that), or the row is not what this reader knows: only the
 *   real chain may answer.
 */
export type LegacySessionRead =
  | { kind: 'none' }
  | { kind: 'loaded'; sid: string; stored: StoredSession; user: Express.User | null }
  | { kind: 'changed' };

export type LegacySessionReader = ReturnType<typeof createLegacySessionReader>;

/** The part of a stored session the reader looks at. */
interface StoredSession {
  cookie: { originalMaxAge: number } & Record<string, unknown>;
  passport?: { user?: unknown };
}

const NONE = { kind: 'none' } as const;
const CHANGED = { kind: 'changed' } as const;

/**
 * express-session + passport's reading of a legacy session, for requests that only read one
 * (src/hot-paths): the same cookie (`crm.sid=s:<id>.<signature>`, the same secret), the same store
 * row (connect-pg-simple's `get`, which skips expired rows), the same passport deserialiser, and
 * at the end the same touch express-session makes for a session the request did not change. It
 * never creates, saves, regenerates or destroys a session. It holds for the options
 * createSessionMiddleware sets (src/legacy-auth/session.ts: one secret, `resave`, `rolling` and
 * `saveUninitialized` off), which it is built from.
 */
export function createLegacySessionReader(deps: {
  store: Store;
  /** SESSION_SECRET, as given to express-session. */
  secret: string;
  passport: InstanceType<typeof Authenticator>;
}) {
  const get = (sid: string) =>
    new Promise<Record<string, unknown> | null>((resolve, reject) =>
      deps.store.get(sid, (error: unknown, session) =>
        error
          ? reject(error as Error)
          : resolve((session as Record<string, unknown> | undefined) ?? null),
      ),
    );
  const deserialize = (id: NonNullable<unknown>, req: IncomingMessage) =>
    new Promise<Express.User | null>((resolve, reject) =>
      deps.passport.deserializeUser(id, req, (error: unknown, user?: Express.User | false) =>
        error ? reject(error as Error) : resolve(user || null),
      ),
    );

  return {
    async read(req: IncomingMessage): Promise<LegacySessionRead> {
      const raw = readCookieValue(req.headers.cookie, LEGACY_SESSION_COOKIE);
      if (!raw?.startsWith('s:')) return NONE;
      const sid = unsign(raw.slice(2), deps.secret);
      if (sid === false) return NONE;
      const stored = await get(sid);
      if (!stored) return NONE;
      const cookie = stored.cookie as StoredSession['cookie'] | undefined;
      if (typeof cookie?.originalMaxAge !== 'number') return CHANGED;
      const session = stored as unknown as StoredSession;
      const id = session.passport?.user;
      // passport reads a user id when it is truthy or 0; a session without one has no login.
      if (!(id || id === 0)) return { kind: 'loaded', sid, stored: session, user: null };
      const user = await deserialize(id, req);
      return user ? { kind: 'loaded', sid, stored: session, user } : CHANGED;
    },

    /**
     * express-session's touch of an unchanged session: it now expires its max age from now. The
     * store gets the stored session with its cookie's new expiry, as express-session gives it.
     */
    touch(session: Extract<LegacySessionRead, { kind: 'loaded' }>): Promise<void> {
      const expires = new Date(Date.now() + session.stored.cookie.originalMaxAge);
      const touched = { ...session.stored, cookie: { ...session.stored.cookie, expires } };
      return new Promise((resolve, reject) => {
        if (!deps.store.touch) return resolve();
        deps.store.touch(session.sid, touched as never, (error?: unknown) =>
          error ? reject(error as Error) : resolve(),
        );
      });
    },
  };
}
