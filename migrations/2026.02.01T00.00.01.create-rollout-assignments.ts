import type { Migration } from '../src/db/migrator.js';

/**
 * The proxy's split function in SQL, byte for byte the same as proxy/policy/{email,bucket,
 * decide}.ts: ASCII-only normalisation, SHA-256 of `salt:email`, first 8 bytes big-endian
 * unsigned modulo 10 000, and kill → deny → allow → domain → percentage. The view answers
 * "which arm is each user on, and why" for the current policy.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE FUNCTION authshift_normalise_email(email text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT translate(btrim(email, E' \\t\\r\\n'),
                       'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
    $$`);
  await query(`
    CREATE FUNCTION authshift_rollout_bucket(salt text, email text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT ((CASE WHEN h < 0 THEN h::numeric + 18446744073709551616 ELSE h::numeric END)
              % 10000)::integer
      FROM (SELECT ('x' || left(encode(sha256(convert_to(
                      salt || ':' || authshift_normalise_email(email), 'UTF8')), 'hex'), 16)
                   )::bit(64)::bigint AS h) AS digest
    $$`);
  await query(`
    CREATE FUNCTION authshift_rollout_decide(email text, p rollout_policy,
                                             OUT arm text, OUT reason text, OUT bucket integer)
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
      WITH e AS (SELECT authshift_normalise_email(email) AS norm)
      SELECT CASE
               WHEN p.killed THEN 'legacy'
               WHEN e.norm = ANY (p.deny_emails) THEN 'legacy'
               WHEN e.norm = ANY (p.allow_emails) THEN 'new'
               WHEN substring(e.norm FROM '@([^@]*)$') = ANY (p.cohort_domains) THEN 'new'
               WHEN authshift_rollout_bucket(p.salt, e.norm) < round(p.percent * 100) THEN 'new'
               ELSE 'legacy'
             END,
             CASE
               WHEN p.killed THEN 'kill_switch'
               WHEN e.norm = ANY (p.deny_emails) THEN 'deny_list'
               WHEN e.norm = ANY (p.allow_emails) THEN 'allow_list'
               WHEN substring(e.norm FROM '@([^@]*)$') = ANY (p.cohort_domains) THEN 'domain_cohort'
               ELSE 'percentage'
             END,
             authshift_rollout_bucket(p.salt, e.norm)
      FROM e
    $$`);
  await query(`
    CREATE VIEW rollout_assignments AS
      SELECT u.id AS user_id, u.email, d.arm, d.reason, d.bucket, p.version AS policy_version
      FROM users u
      CROSS JOIN rollout_policy p
      CROSS JOIN LATERAL authshift_rollout_decide(u.email, p) d`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP VIEW rollout_assignments`);
  await query(`DROP FUNCTION authshift_rollout_decide(text, rollout_policy)`);
  await query(`DROP FUNCTION authshift_rollout_bucket(text, text)`);
  await query(`DROP FUNCTION authshift_normalise_email(text)`);
};
