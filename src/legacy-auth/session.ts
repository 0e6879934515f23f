import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type pg from 'pg';
import { LEGACY_SESSION_COOKIE } from '../lib/contracts/cookies.js';

export interface SessionOptions {
  pool: pg.Pool;
  secret: string;
  cookieSecure: boolean;
  maxAgeSeconds: number;
}

/**
 * express-session on PostgreSQL: sessions survive restarts and are shared by every instance.
 * The store never creates its table (a migration does) and prunes expired rows in the background.
 */
export function createSessionStore(pool: pg.Pool): session.Store & { close(): void } {
  const PgStore = connectPgSimple(session);
  return new PgStore({
    pool,
    tableName: 'session',
    createTableIfMissing: false,
    pruneSessionInterval: 15 * 60,
  });
}

export function createSessionMiddleware(
  store: session.Store,
  options: Omit<SessionOptions, 'pool'>,
) {
  return session({
    name: LEGACY_SESSION_COOKIE,
    secret: options.secret,
    store,
    resave: false,
    saveUninitialized: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.cookieSecure,
      maxAge: options.maxAgeSeconds * 1000,
      path: '/',
    },
  });
}
