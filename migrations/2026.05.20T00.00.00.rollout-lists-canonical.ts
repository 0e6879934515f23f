import type { Migration } from '../src/db/migrator.js';

/**
 * The rollout lists hold canonical addresses and domains whoever writes them: the CLI, the admin
 * API and the dashboard canonicalise before writing, but a plain SQL change (which the control
 * plane audits and applies like any other) stored `Victor@Example.com` as typed, and neither the
 * proxy nor `rollout_assignments` ever matched it: a deny typed by hand did nothing. A BEFORE
 * trigger writes each list in canonical form (`authshift_canonical_email`; a domain as
 * `canonicalCohortDomain` spells it), without duplicates, in the order first given.
 */
const WS = `E' \\t\\r\\n'`;

export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE FUNCTION authshift_canonical_list(items text[], domains boolean) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(array_agg(c ORDER BY o), '{}')
        FROM (SELECT c, min(o) AS o
                FROM (SELECT CASE WHEN domains
                                  THEN substring(authshift_canonical_email(
                                         'x@' || regexp_replace(btrim(e, ${WS}), '^@', '')) FROM 3)
                                  ELSE authshift_canonical_email(e) END AS c, o
                        FROM unnest(items) WITH ORDINALITY AS u(e, o)
                       WHERE e IS NOT NULL) AS each
               GROUP BY c) AS firsts
    $$`);
  await query(`
    CREATE FUNCTION authshift_rollout_policy_canonical_lists() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.allow_emails := authshift_canonical_list(NEW.allow_emails, false);
      NEW.deny_emails := authshift_canonical_list(NEW.deny_emails, false);
      NEW.cohort_domains := authshift_canonical_list(NEW.cohort_domains, true);
      RETURN NEW;
    END $$`);
  await query(`
    CREATE TRIGGER rollout_policy_canonical_lists BEFORE INSERT OR UPDATE ON rollout_policy
    FOR EACH ROW EXECUTE FUNCTION authshift_rollout_policy_canonical_lists()`);
  // Rewrite only a row whose lists are not canonical yet (no audit row otherwise).
  await query(`
    UPDATE rollout_policy SET updated_by = 'migration', reason = 'e-mail lists rewritten in canonical form'
     WHERE id = 1
       AND (allow_emails, deny_emails, cohort_domains) IS DISTINCT FROM
           (authshift_canonical_list(allow_emails, false), authshift_canonical_list(deny_emails, false),
            authshift_canonical_list(cohort_domains, true))`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TRIGGER rollout_policy_canonical_lists ON rollout_policy`);
  await query(`DROP FUNCTION authshift_rollout_policy_canonical_lists()`);
  await query(`DROP FUNCTION authshift_canonical_list(text[], boolean)`);
};
