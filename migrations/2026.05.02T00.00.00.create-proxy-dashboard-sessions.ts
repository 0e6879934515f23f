import type { Migration } from '../src/db/migrator.js';

/**
 * The proxy dashboard's login sessions, shared by every proxy on this database: a login on one
 * admin port is accepted by the others, and a logout on any of them ends the session everywhere.
 * Only a SHA-256 of each session id is kept, so reading this table yields no usable cookie.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE TABLE proxy_dashboard_sessions (
      id_hash    bytea PRIMARY KEY CHECK (octet_length(id_hash) = 32),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`);
  await query(
    `CREATE INDEX proxy_dashboard_sessions_expires_at_idx ON proxy_dashboard_sessions (expires_at)`,
  );
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE proxy_dashboard_sessions`);
};
