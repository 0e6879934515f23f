import type { Migration } from '../src/db/migrator.js';

/**
 * Fixed-window counters for login and forgot-password throttling, in PostgreSQL so that every
 * monolith instance counts together. UNLOGGED: losing the counts in a crash only resets windows,
 * and it spares the write-ahead log one write per login.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE UNLOGGED TABLE fu_rate_limits (
      key          VARCHAR(200) PRIMARY KEY,
      window_start TIMESTAMPTZ NOT NULL,
      hits         INT NOT NULL
    )`);
  await query(`CREATE INDEX fu_rate_limits_window_start_idx ON fu_rate_limits (window_start)`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE fu_rate_limits`);
};
