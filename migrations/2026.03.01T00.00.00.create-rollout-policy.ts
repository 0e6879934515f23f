import type { Migration } from '../src/db/migrator.js';

/**
 * The proxy's control plane: one current policy row and an append-only audit log.
 * Triggers, not application code, bump the version, write the audit row and notify the proxies,
 * so a change made with plain SQL (e.g. by the rollback command) is versioned, audited and
 * applied within a second like one made with `npm run rollout`.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE TABLE rollout_policy (
      id             smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      version        bigint NOT NULL DEFAULT 1,
      killed         boolean NOT NULL DEFAULT false,
      percent        numeric(5,2) NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
      allow_emails   text[] NOT NULL DEFAULT '{}',
      deny_emails    text[] NOT NULL DEFAULT '{}',
      cohort_domains text[] NOT NULL DEFAULT '{}',
      gate_fu_auth   boolean NOT NULL DEFAULT false,
      salt           text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '') CHECK (salt <> ''),
      updated_at     timestamptz NOT NULL DEFAULT now(),
      updated_by     text NOT NULL,
      reason         text
    )`);
  await query(`
    CREATE TABLE rollout_audit (
      id         bigserial PRIMARY KEY,
      at         timestamptz NOT NULL DEFAULT now(),
      actor      text NOT NULL,
      reason     text,
      version    bigint NOT NULL,
      old_policy jsonb,
      new_policy jsonb NOT NULL
    )`);
  await query(`CREATE INDEX rollout_audit_at_idx ON rollout_audit (at DESC, id DESC)`);

  await query(`
    CREATE FUNCTION authshift_rollout_policy_json(p rollout_policy) RETURNS jsonb
    LANGUAGE sql IMMUTABLE AS $$
      SELECT to_jsonb(p) - 'id' - 'updated_at' - 'updated_by' - 'reason'
    $$`);
  await query(`
    CREATE FUNCTION authshift_rollout_policy_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.id := 1;
      NEW.version := OLD.version + 1;
      NEW.updated_at := now();
      RETURN NEW;
    END $$`);
  await query(`
    CREATE FUNCTION authshift_rollout_policy_audit() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO rollout_audit (actor, reason, version, old_policy, new_policy)
      VALUES (NEW.updated_by, NEW.reason, NEW.version,
              CASE WHEN TG_OP = 'UPDATE' THEN authshift_rollout_policy_json(OLD) END,
              authshift_rollout_policy_json(NEW));
      PERFORM pg_notify('authshift_rollout_policy', NEW.version::text);
      RETURN NULL;
    END $$`);
  await query(`
    CREATE FUNCTION authshift_reject_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await query(`
    CREATE TRIGGER rollout_policy_version BEFORE UPDATE ON rollout_policy
    FOR EACH ROW EXECUTE FUNCTION authshift_rollout_policy_version()`);
  await query(`
    CREATE TRIGGER rollout_policy_audit AFTER INSERT OR UPDATE ON rollout_policy
    FOR EACH ROW EXECUTE FUNCTION authshift_rollout_policy_audit()`);
  await query(`
    CREATE TRIGGER rollout_policy_no_delete BEFORE DELETE ON rollout_policy
    FOR EACH ROW EXECUTE FUNCTION authshift_reject_change()`);
  await query(`
    CREATE TRIGGER rollout_policy_no_truncate BEFORE TRUNCATE ON rollout_policy
    FOR EACH STATEMENT EXECUTE FUNCTION authshift_reject_change()`);
  await query(`
    CREATE TRIGGER rollout_audit_append_only BEFORE UPDATE OR DELETE ON rollout_audit
    FOR EACH ROW EXECUTE FUNCTION authshift_reject_change()`);
  await query(`
    CREATE TRIGGER rollout_audit_no_truncate BEFORE TRUNCATE ON rollout_audit
    FOR EACH STATEMENT EXECUTE FUNCTION authshift_reject_change()`);

  // For the rollback command and plain SQL: everyone (sessions included) back to legacy.
  await query(`
    CREATE FUNCTION authshift_rollout_kill(actor text, why text) RETURNS bigint
    LANGUAGE sql AS $$
      UPDATE rollout_policy SET killed = true, updated_by = actor, reason = why
      WHERE id = 1 RETURNING version
    $$`);
  await query(
    `INSERT INTO rollout_policy (updated_by, reason) VALUES ('migration', 'initial policy: everyone on legacy')`,
  );
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP FUNCTION authshift_rollout_kill(text, text)`);
  await query(`DROP TABLE rollout_audit`);
  await query(`DROP TABLE rollout_policy CASCADE`);
  await query(`DROP FUNCTION authshift_reject_change()`);
  await query(`DROP FUNCTION authshift_rollout_policy_audit()`);
  await query(`DROP FUNCTION authshift_rollout_policy_version()`);
};
