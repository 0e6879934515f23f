import type { Migration } from '../../src/db/migrator.js';

export const transactional = false;

/**
 * E-mail unique case-insensitively, as fastapi-users expects. Only after preflight proved there
 * are no case-only duplicates (`npm run users -- dedupe` resolves them); if one slipped in since,
 * the build fails with the duplicate named and the cutover rolls back. From here on, registering
 * `Ann@x.com` next to `ann@x.com` is `409 email_taken` on both engines: the legacy quirk ends.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`DROP INDEX CONCURRENTLY IF EXISTS users_email_lower_key`);
  await query(`CREATE UNIQUE INDEX CONCURRENTLY users_email_lower_key ON users (lower(email))`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP INDEX CONCURRENTLY IF EXISTS users_email_lower_key`);
};
