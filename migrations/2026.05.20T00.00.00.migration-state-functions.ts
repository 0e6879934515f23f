import type { Migration } from '../src/db/migrator.js';

/**
 * The facts about the migration that the monolith (preflight, the split user store) and the
 * proxy's dashboard all read, defined once here instead of as SQL copied into each of them:
 *
 * - `authshift_legacy_only_users`: the legacy accounts the new engine does not know yet (no
 *   `fu_users` twin) — the phase-1 meaning of "legacy-only". A view, so a count over it is still
 *   planned as an anti-join; consolidation's table swap re-points it like any view on `users`.
 * - `authshift_phase()`: `conservative` (phase 1: two tables) or `consolidated` (`users` carries
 *   `fu_linked`).
 * - `authshift_account_counts()`: the phase and how many accounts are legacy-only (the new engine
 *   does not know them), migrated (both engines know them: a `fu_users` twin in phase 1,
 *   `users.fu_linked` once consolidated) and new-only (a `fu_users` row with no legacy twin).
 *   PL/pgSQL because `fu_linked` exists only once consolidated: each branch is planned when run.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE VIEW authshift_legacy_only_users AS
      SELECT u.id FROM users u
       WHERE NOT EXISTS (SELECT 1 FROM fu_users f WHERE f.legacy_user_id = u.id)`);
  await query(`
    CREATE FUNCTION authshift_phase() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN EXISTS (
               SELECT 1 FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = 'users'
                  AND column_name = 'fu_linked')
             THEN 'consolidated' ELSE 'conservative' END
    $$`);
  await query(`
    CREATE FUNCTION authshift_account_counts(OUT phase text, OUT legacy_only bigint,
                                             OUT migrated bigint, OUT new_only bigint)
    LANGUAGE plpgsql STABLE AS $$
    BEGIN
      phase := authshift_phase();
      IF phase = 'consolidated' THEN
        SELECT count(*) FILTER (WHERE NOT u.fu_linked), count(*) FILTER (WHERE u.fu_linked)
          INTO legacy_only, migrated FROM users u;
      ELSE
        SELECT count(*) INTO legacy_only FROM authshift_legacy_only_users;
        SELECT count(*) INTO migrated FROM fu_users f WHERE f.legacy_user_id IS NOT NULL;
      END IF;
      SELECT count(*) INTO new_only FROM fu_users f WHERE f.legacy_user_id IS NULL;
    END
    $$`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP FUNCTION authshift_account_counts()`);
  await query(`DROP FUNCTION authshift_phase()`);
  await query(`DROP VIEW authshift_legacy_only_users`);
};
