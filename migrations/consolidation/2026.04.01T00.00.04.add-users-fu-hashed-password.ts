import type { Migration } from '../../src/db/migrator.js';

/**
 * The new engine's own hash (argon2id) once `fu_users` is merged in. `hashed_password` stays the
 * hash the legacy engine reads (bcrypt while write-back is on), so a rollback never has to guess
 * which hash the legacy side can verify; the phase-2 store reads
 * `COALESCE(fu_hashed_password, hashed_password)`.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`ALTER TABLE users ADD COLUMN fu_hashed_password VARCHAR(1024) NULL`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`ALTER TABLE users DROP COLUMN fu_hashed_password`);
};
