import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type pg from 'pg';
import type { PreparedRead } from '../db/prepared-reads.js';
import { LEGACY_SESSION_COOKIE } from '../lib/contracts/cookies.js';

export interface SessionOptions {
  secret: string;
  cookieSecure: boolean;
  maxAgeSeconds: number;
}

/**
 * express-session on PostgreSQL: sessions survive restarts and are shared by every instance.
 * The store never creates its table (a migration does) and prunes expired rows in the background.
 * Its statements (read, touch, save, destroy) run as prepared statements on the process's one
 * pool (Sequelize's, DATABASE_POOL_MAX): every request with a legacy session makes two of them,
 * and a second, smaller pool of its own made those requests queue for a connection.
 */
export function createSessionStore(statement: PreparedRead): session.Store & { close(): void } {
  const PgStore = connectPgSimple(session);
  // All connect-pg-simple asks of a pool it does not own: `query(text, values)` giving `rows`.
  const pool = {
    query: async (text: string, values: unknown[] = []) => ({
      rows: await statement(text, values),
    }),
  } as unknown as pg.Pool;
  return new PgStore({
    pool,
    tableName: 'session',
    createTableIfMissing: false,
    pruneSessionInterval: 15 * 60,
  });
}

export function createSessionMiddleware(store: session.Store, options: SessionOptions) {
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
