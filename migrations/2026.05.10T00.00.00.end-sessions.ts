import type { Migration } from '../src/db/migrator.js';

/**
 * The index blocks writes to `session` (logins) while it is built: about a second per million
 * sessions. Not CONCURRENTLY: that waits for every open transaction, including a second
 * migrator waiting for the migrations' advisory lock, which would hang a deploy. An operator
 * with a very large session table can build it beforehand, `CREATE INDEX CONCURRENTLY
 * session_passport_user_idx …` with the definition below; this step then keeps it.
 */
const INDEX = 'session_passport_user_idx';

/**
 * `authshift_end_sessions(legacy_user_id, keep)`: ends every session of one person on both
 * engines — express-session rows (connect-pg-simple's `session`, passport's user id at
 * `sess->'passport'->>'user'`), facade sessions and database-strategy tokens — except the
 * session ids and tokens named in `keep`. Returns how many it ended. The application calls it
 * inside the transaction of every credential change; ops can call it from SQL, e.g.
 * `SELECT authshift_end_sessions(id) FROM users WHERE …`.
 *
 * Tokens belong to a UUID: the `fu_users` twin's in phase 1, `users.uuid` once consolidated
 * (that column exists only then, hence the dynamic statement). JWTs are not sessions: nothing
 * can end them (fastapi-users contract), they live until `exp`.
 */
const FUNCTION = `
  CREATE OR REPLACE FUNCTION authshift_end_sessions(legacy_user_id integer, keep text[] DEFAULT '{}')
  RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    -- A NULL in the list would make every "<> ALL" unknown, and so end nothing.
    kept text[] := array_remove(coalesce(keep, '{}'), NULL);
    who integer := authshift_end_sessions.legacy_user_id;
    ended integer := 0;
    n integer;
  BEGIN
    DELETE FROM session s
     WHERE s.sess -> 'passport' ->> 'user' = who::text AND s.sid <> ALL (kept);
    GET DIAGNOSTICS n = ROW_COUNT;
    ended := ended + n;
    DELETE FROM fu_facade_sessions f WHERE f.legacy_user_id = who AND f.token <> ALL (kept);
    GET DIAGNOSTICS n = ROW_COUNT;
    ended := ended + n;
    DELETE FROM fu_access_tokens t
     WHERE t.user_id IN (SELECT u.id FROM fu_users u WHERE u.legacy_user_id = who)
       AND t.token <> ALL (kept);
    GET DIAGNOSTICS n = ROW_COUNT;
    ended := ended + n;
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'users'::regclass
                  AND attname = 'uuid' AND NOT attisdropped) THEN
      EXECUTE 'DELETE FROM fu_access_tokens t
                WHERE t.user_id = (SELECT u.uuid FROM users u WHERE u.id = $1)
                  AND t.token <> ALL ($2)'
        USING who, kept;
      GET DIAGNOSTICS n = ROW_COUNT;
      ended := ended + n;
    END IF;
    RETURN ended;
  END $$`;

export const up: Migration = async ({ context: { query } }) => {
  await query(
    `CREATE INDEX IF NOT EXISTS ${INDEX} ON session (((sess -> 'passport') ->> 'user'))
       WHERE (sess -> 'passport') ->> 'user' IS NOT NULL`,
  );
  await query(FUNCTION);
};

export const down: Migration = async ({ context: { query } }) => {
  await query('DROP FUNCTION authshift_end_sessions(integer, text[])');
  await query(`DROP INDEX ${INDEX}`);
};
