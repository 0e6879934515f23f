/**
 * Where dashboard sessions live between login and logout: `proxy_dashboard_sessions`, shared by
 * every proxy on the database (see its migration). A session is open from login until logout or
 * its expiry; the cookie's signature and expiry are checked before this store is asked, so a
 * forged or expired cookie never costs a query.
 * SECURITY: rows hold SHA-256(id), never the id the cookie carries.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { databaseCall } from './admin-errors.js';

export interface DashboardSessionStore {
  /** Records a new session; sessions already past their expiry are cleared on the way. */
  open(id: string, expiresAt: Date, now: Date): Promise<void>;
  /** True until the session is ended (its expiry is the signed cookie's to check). */
  isOpen(id: string): Promise<boolean>;
  /** Ends the session on every proxy; ending an unknown or ended one is not an error. */
  end(id: string): Promise<void>;
}

const hashOf = (id: string) => createHash('sha256').update(id).digest();

export function createDashboardSessionStore(pool: pg.Pool): DashboardSessionStore {
  return {
    async open(id, expiresAt, now) {
      await databaseCall(() =>
        pool.query(
          `WITH expired AS (DELETE FROM proxy_dashboard_sessions WHERE expires_at <= $3)
           INSERT INTO proxy_dashboard_sessions (id_hash, expires_at) VALUES ($1, $2)`,
          [hashOf(id), expiresAt, now],
        ),
      );
    },
    async isOpen(id) {
      const { rowCount } = await databaseCall(() =>
        pool.query(`SELECT 1 FROM proxy_dashboard_sessions WHERE id_hash = $1`, [hashOf(id)]),
      );
      return rowCount === 1;
    },
    async end(id) {
      await databaseCall(() =>
        pool.query(`DELETE FROM proxy_dashboard_sessions WHERE id_hash = $1`, [hashOf(id)]),
      );
    },
  };
}
