/**
 * Online rebuild of `users` into another shape (rebuild-shape.ts), in as few full passes as
 * PostgreSQL allows while both engines keep reading and writing the table:
 *
 * 1. prepare (one short transaction): an empty shadow `users__<shape>` (`LIKE users`, reshaped —
 *    no table rewrite, it is empty), a change log, and capture triggers that log the users.id of
 *    every row written from now on (in `users`, and in tables the shape joins, e.g. `fu_users`).
 * 2. copy (one pass): `INSERT INTO shadow SELECT <shape> FROM users …` in keyset batches over
 *    `users.id`, each committed with its progress (an interrupted run resumes after the last
 *    batch). The shadow has no index yet, so every row is written once.
 * 3. indexes: built once each, non-concurrently (nobody reads the shadow), by sort.
 * 4. catch-up + verify: log entries are replayed (delete the shadow rows, copy them again) in
 *    REPEATABLE READ rounds; the last round also compares the row count and an order-independent
 *    64-bit hash sum of every column, source against shadow, in the same snapshot.
 * 5. swap (one short transaction under ACCESS EXCLUSIVE, bounded by lock_timeout and retried):
 *    replay what is left of the log, rename, re-point foreign keys (NOT VALID), views, owned
 *    sequences and grants, carry triggers over, drop the old table and the capture machinery.
 * 6. validate the re-pointed foreign keys (no lock that blocks reads or writes).
 *
 * Every phase is idempotent and detects what an earlier, interrupted attempt already did.
 * It deliberately does not handle what LIKE cannot carry (unsupportedFeatures): it refuses.
 */
import { QueryTypes, Transaction, type Sequelize } from 'sequelize';
import { resetKeysetJob, runKeysetBatches, type KeysetProgress } from './keyset-batches.js';
import {
  captureFunctionOf,
  captureTriggerOf,
  logOf,
  progressJobOf,
  REBUILT_TABLE,
  shadowOf,
  type RebuildShape,
} from './rebuild-shape.js';
import { unsupportedFeatures } from './table-catalog.js';
import {
  buildIndexesLike,
  createCopyTable,
  quote,
  RebuildError,
  replaceTable,
  swapLockSet,
  validateForeignKeys,
} from './table-swap.js';
import { isLockConflict } from '../db/conflict-retry.js';
import { setLocalLockTimeout } from '../db/lock-timeout.js';
import { retry } from '../lib/retry.js';

export { RebuildError, retarget } from './table-swap.js';

export interface RebuildOptions {
  batchSize: number;
  /** Copy progress (done/total), at most about once a second. */
  report(progress: KeysetProgress): void;
  /** One line per phase, with its duration. */
  log(message: string): void;
  /** How long the swap waits for its lock before giving the table back and retrying. */
  lockTimeoutMs?: number;
  swapAttempts?: number;
}

/** Fewer log entries than this are left for the swap to replay under its lock. */
const SMALL_CATCH_UP = 1000;
const MAX_CATCH_UP_ROUNDS = 50;

async function selectOne<T extends object>(
  sequelize: Sequelize,
  sql: string,
  transaction?: Transaction,
  replacements?: Record<string, unknown>,
): Promise<T | undefined> {
  const [row] = await sequelize.query<T>(sql, {
    type: QueryTypes.SELECT,
    transaction,
    replacements,
  });
  return row;
}

async function exists(sequelize: Sequelize, relation: string, t?: Transaction): Promise<boolean> {
  const row = await selectOne<{ oid: string | null }>(
    sequelize,
    'SELECT to_regclass(:relation)::text AS oid',
    t,
    { relation },
  );
  return Boolean(row?.oid);
}

export async function rebuildApplied(
  sequelize: Sequelize,
  shape: RebuildShape,
  t?: Transaction,
): Promise<boolean> {
  return (await selectOne<{ applied: boolean }>(sequelize, shape.appliedSql, t))?.applied === true;
}

/**
 * Step 1, in one transaction; does nothing if done before. Creating the capture triggers waits
 * for the writers in flight (and writers queue behind it), so like the swap it gives up after
 * `lockTimeoutMs` when a long transaction is in the way, and tries again.
 */
export async function prepareRebuild(
  sequelize: Sequelize,
  shape: RebuildShape,
  options: Pick<RebuildOptions, 'lockTimeoutMs' | 'swapAttempts'> = {},
): Promise<void> {
  const attempts = options.swapAttempts ?? 20;
  await retry(
    () => sequelize.transaction((t) => prepareOnce(sequelize, shape, t, options.lockTimeoutMs)),
    {
      attempts,
      retryOn: lockBusy,
      giveUp: () =>
        new RebuildError(
          `could not lock users to install the capture triggers in ${attempts} attempts of ${options.lockTimeoutMs ?? 500} ms (long transactions on users?); nothing was changed: re-run to retry`,
        ),
    },
  );
}

async function prepareOnce(
  sequelize: Sequelize,
  shape: RebuildShape,
  t: Transaction,
  lockTimeoutMs = 500,
): Promise<void> {
  const q = (sql: string) => sequelize.query(sql, { transaction: t });
  if (await rebuildApplied(sequelize, shape, t)) return;
  if (await exists(sequelize, shadowOf(shape), t)) return;
  const problems = await unsupportedFeatures(sequelize, REBUILT_TABLE, t);
  if (problems.length > 0)
    throw new RebuildError(
      `users cannot be rebuilt online: it has ${problems.join('; ')}; nothing was changed`,
    );
  const shadow = shadowOf(shape);
  await createCopyTable(sequelize, t, REBUILT_TABLE, shadow);
  for (const statement of shape.reshape(shadow)) await q(statement);
  await q(`CREATE TABLE ${logOf(shape)} (id BIGINT NOT NULL)`);
  // Keyed by column name (TG_ARGV[0]) so one function serves every captured table.
  await q(`
      CREATE FUNCTION ${captureFunctionOf(shape)}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' AND to_jsonb(OLD) ->> TG_ARGV[0] IS NOT NULL THEN
          INSERT INTO ${logOf(shape)} (id) VALUES ((to_jsonb(OLD) ->> TG_ARGV[0])::bigint);
        END IF;
        IF TG_OP <> 'DELETE' AND to_jsonb(NEW) ->> TG_ARGV[0] IS NOT NULL
           AND (TG_OP = 'INSERT' OR to_jsonb(NEW) ->> TG_ARGV[0] IS DISTINCT FROM to_jsonb(OLD) ->> TG_ARGV[0]) THEN
          INSERT INTO ${logOf(shape)} (id) VALUES ((to_jsonb(NEW) ->> TG_ARGV[0])::bigint);
        END IF;
        RETURN NULL;
      END $$`);
  // Waits for writers in flight, so every write that the copy's snapshots miss is logged.
  await setLocalLockTimeout(sequelize, t, lockTimeoutMs);
  for (const { table, key } of shape.capture)
    await q(`
        CREATE TRIGGER ${captureTriggerOf(shape)} AFTER INSERT OR UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION ${captureFunctionOf(shape)}('${key}')`);
  await resetKeysetJob(sequelize, progressJobOf(shape), t);
}

/** Removes a rebuild that will not be finished (the shadow, its log and capture triggers). */
export async function discardRebuild(sequelize: Sequelize, shape: RebuildShape): Promise<void> {
  await sequelize.transaction(async (t) => {
    const q = (sql: string) => sequelize.query(sql, { transaction: t });
    for (const { table } of shape.capture)
      if (await exists(sequelize, table, t))
        await q(`DROP TRIGGER IF EXISTS ${captureTriggerOf(shape)} ON ${table}`);
    await q(`DROP FUNCTION IF EXISTS ${captureFunctionOf(shape)}()`);
    await q(`DROP TABLE IF EXISTS ${shadowOf(shape)}, ${logOf(shape)}`);
    await resetKeysetJob(sequelize, progressJobOf(shape), t);
  });
}

/**
 * The shadow's columns and the expression each one is filled from, in table order. `source` and
 * `target` are what verification hashes; a type without an extended hash function (json, …) is
 * compared by its text form.
 */
async function targetColumns(
  sequelize: Sequelize,
  shape: RebuildShape,
  t?: Transaction,
): Promise<{ name: string; expr: string; source: string; target: string }[]> {
  const rows = await sequelize.query<{ name: string; hashable: boolean }>(
    `SELECT a.attname AS name,
            EXISTS (SELECT 1 FROM pg_opclass oc
                      JOIN pg_am am ON am.oid = oc.opcmethod AND am.amname = 'hash'
                      JOIN pg_amproc p ON p.amprocfamily = oc.opcfamily AND p.amprocnum = 2
                     WHERE oc.opcdefault AND oc.opcintype IN (a.atttypid, 'text'::regtype)
                       AND (oc.opcintype = a.atttypid OR a.atttypid = 'varchar'::regtype)) AS hashable
       FROM pg_attribute a
      WHERE a.attrelid = :shadow::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    { type: QueryTypes.SELECT, transaction: t, replacements: { shadow: shadowOf(shape) } },
  );
  return rows.map(({ name, hashable }) => {
    const special = shape.columns.find((c) => c.name === name);
    const expr = special?.expr ?? `u.${quote(name)}`;
    const hashed = (sql: string) => (hashable ? sql : `(${sql})::text`);
    return {
      name: quote(name),
      expr,
      source: hashed(special?.verify?.source ?? expr),
      target: hashed(special?.verify?.target ?? `s.${quote(name)}`),
    };
  });
}

/** Step 2: one pass over users, in keyset batches with progress (resumable). */
export async function copyRows(
  sequelize: Sequelize,
  shape: RebuildShape,
  options: Pick<RebuildOptions, 'batchSize' | 'report'>,
): Promise<KeysetProgress> {
  const columns = await targetColumns(sequelize, shape);
  const list = columns.map((c) => c.name).join(', ');
  // The range scan on users' primary key keeps each batch proportional to its size (a join
  // against the batch's keys would let the planner scan the whole table every time).
  return runKeysetBatches(
    sequelize,
    {
      job: progressJobOf(shape),
      // The planner's estimate: exact enough for done/total, and free (a count is a full scan).
      countSql: `SELECT GREATEST(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = '${REBUILT_TABLE}'::regclass`,
      batchSql: `
        WITH src AS (SELECT u.id AS rebuild_key, ${columns.map((c) => `${c.expr} AS ${c.name}`).join(', ')}
                       FROM ${shape.from} WHERE u.id > :after ORDER BY u.id LIMIT :limit),
             ins AS (INSERT INTO ${shadowOf(shape)} (${list}) SELECT ${list} FROM src)
        SELECT (SELECT max(rebuild_key) FROM src) AS last_key, (SELECT count(*) FROM src) AS scanned`,
      batchSize: options.batchSize,
    },
    options.report,
  );
}

/** Step 3: every index users keeps (and the shape adds), built once on the full shadow. */
export async function buildIndexes(
  sequelize: Sequelize,
  shape: RebuildShape,
  log: (message: string) => void,
): Promise<void> {
  await buildIndexesLike(sequelize, {
    source: REBUILT_TABLE,
    target: shadowOf(shape),
    drop: shape.dropIndexes,
    add: shape.addIndexes,
    log,
  });
}

/** Replays the change log onto the shadow; returns how many log entries it consumed. */
async function catchUp(sequelize: Sequelize, shape: RebuildShape, t: Transaction): Promise<number> {
  const columns = await targetColumns(sequelize, shape, t);
  const list = columns.map((c) => c.name).join(', ');
  const logged = `SELECT id FROM ${logOf(shape)}`;
  await sequelize.query(`DELETE FROM ${shadowOf(shape)} WHERE id IN (${logged})`, {
    transaction: t,
  });
  await sequelize.query(
    `INSERT INTO ${shadowOf(shape)} (${list})
     SELECT ${columns.map((c) => c.expr).join(', ')} FROM ${shape.from} WHERE u.id IN (${logged})`,
    { transaction: t },
  );
  const row = await selectOne<{ n: string }>(
    sequelize,
    `WITH d AS (DELETE FROM ${logOf(shape)} RETURNING 1) SELECT count(*) AS n FROM d`,
    t,
  );
  return Number(row?.n ?? 0);
}

/**
 * Step 4. REPEATABLE READ makes each round exact: a write is either visible to the round (and its
 * log entry with it, same transaction) or left, with its entry, for the next one.
 */
export async function catchUpAndVerify(
  sequelize: Sequelize,
  shape: RebuildShape,
  log: (message: string) => void,
): Promise<void> {
  const repeatable = <T>(work: (t: Transaction) => Promise<T>) =>
    sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ }, work);
  let replayed = 0;
  for (let round = 1; ; round++) {
    const started = Date.now();
    const outcome = await repeatable(async (t) => {
      const n = await catchUp(sequelize, shape, t);
      if (n >= SMALL_CATCH_UP && round < MAX_CATCH_UP_ROUNDS) return { n, verified: null };
      return { n, verified: await compare(sequelize, shape, t) };
    });
    replayed += outcome.n;
    if (!outcome.verified) continue;
    const { source, rebuilt } = outcome.verified;
    if (source.rows !== rebuilt.rows || source.checksum !== rebuilt.checksum)
      throw new RebuildError(
        `the rebuilt users (${shape.id}) does not match its source: source ${source.rows} rows / checksum ${source.checksum}, rebuilt ${rebuilt.rows} / ${rebuilt.checksum}; nothing was swapped`,
      );
    log(
      `caught up ${replayed} change(s) and verified ${source.rows} rows (checksum ${source.checksum}) in ${Date.now() - started} ms`,
    );
    return;
  }
}

interface Figures {
  rows: number;
  checksum: string;
}

async function compare(
  sequelize: Sequelize,
  shape: RebuildShape,
  t: Transaction,
): Promise<{ source: Figures; rebuilt: Figures }> {
  const columns = await targetColumns(sequelize, shape, t);
  const figures = async (row: string, from: string): Promise<Figures> => {
    const r = await selectOne<{ rows: string; checksum: string }>(
      sequelize,
      `SELECT count(*) AS rows, COALESCE(sum(hash_record_extended(ROW(${row}), 0)), 0)::text AS checksum FROM ${from}`,
      t,
    );
    return { rows: Number(r?.rows ?? 0), checksum: r?.checksum ?? '0' };
  };
  return {
    source: await figures(columns.map((c) => c.source).join(', '), shape.from),
    rebuilt: await figures(columns.map((c) => c.target).join(', '), `${shadowOf(shape)} s`),
  };
}

const lockBusy = isLockConflict;

/** Step 5, retried while other transactions keep the lock from us (they win; we wait our turn). */
export async function swap(
  sequelize: Sequelize,
  shape: RebuildShape,
  options: Pick<RebuildOptions, 'log' | 'lockTimeoutMs' | 'swapAttempts'>,
): Promise<void> {
  const attempts = options.swapAttempts ?? 20;
  await retry(
    async (attempt) => {
      await cancelAutovacuum(sequelize, shape);
      const heldMs = await swapOnce(sequelize, shape, options.lockTimeoutMs ?? 500);
      options.log(`swapped in; users was locked for ${heldMs} ms (attempt ${attempt})`);
    },
    {
      attempts,
      retryOn: lockBusy,
      // Writes kept coming while we waited: replay them now, so the next attempt's swap is short.
      between: async () => {
        await sequelize.transaction(
          { isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ },
          (t) => catchUp(sequelize, shape, t),
        );
      },
      giveUp: () =>
        new RebuildError(
          `could not lock users for the swap in ${attempts} attempts of ${options.lockTimeoutMs ?? 500} ms (long transactions on users or tables referencing it?); the rebuild is kept: re-run to retry`,
        ),
    },
  );
}

/**
 * PostgreSQL cancels an autovacuum that blocks a lock request only after deadlock_timeout; the
 * swap gives up sooner (so an application transaction queued behind it never waits long enough to
 * run its own deadlock check), so it cancels the ones on its tables itself. The table is simply
 * vacuumed again later. Without the privilege (a non-superuser before PostgreSQL 18's
 * pg_signal_autovacuum_worker) it just retries.
 */
async function cancelAutovacuum(sequelize: Sequelize, shape: RebuildShape): Promise<void> {
  const tables = [REBUILT_TABLE, shadowOf(shape), ...shape.capture.map((c) => c.table)];
  await sequelize
    .query(
      `SELECT pg_cancel_backend(a.pid) FROM pg_stat_activity a
        WHERE a.backend_type = 'autovacuum worker'
          AND EXISTS (SELECT 1 FROM pg_locks l
                       WHERE l.pid = a.pid AND l.relation = ANY (ARRAY[:tables]::regclass[]))`,
      { replacements: { tables }, type: QueryTypes.SELECT },
    )
    .catch(() => undefined);
}

async function swapOnce(sequelize: Sequelize, shape: RebuildShape, lockTimeoutMs: number) {
  return sequelize.transaction(async (t) => {
    const q = (sql: string) => sequelize.query(sql, { transaction: t });
    const shadow = shadowOf(shape);
    const locked = [
      REBUILT_TABLE,
      shadow,
      ...shape.capture.map((c) => c.table),
      ...(await swapLockSet(sequelize, t, REBUILT_TABLE)),
    ].filter((name, i, all) => all.indexOf(name) === i);
    await setLocalLockTimeout(sequelize, t, lockTimeoutMs);
    await q(`LOCK TABLE ${locked.join(', ')} IN ACCESS EXCLUSIVE MODE`);
    const started = Date.now();
    await catchUp(sequelize, shape, t);
    await replaceTable(sequelize, t, {
      table: REBUILT_TABLE,
      replacement: shadow,
      keepTrigger: (name) => name !== captureTriggerOf(shape) && !shape.dropTriggers.includes(name),
    });
    for (const statement of shape.afterSwap) await q(statement);
    for (const { table } of shape.capture)
      await q(`DROP TRIGGER IF EXISTS ${captureTriggerOf(shape)} ON ${table}`);
    await q(`DROP FUNCTION ${captureFunctionOf(shape)}()`);
    await q(`DROP TABLE ${logOf(shape)}`);
    return Date.now() - started;
  });
}

/** Steps 1–6, resuming wherever an earlier attempt stopped. */
export async function runRebuild(
  sequelize: Sequelize,
  shape: RebuildShape,
  options: RebuildOptions,
): Promise<void> {
  const timed = async (what: string, work: () => Promise<unknown>) => {
    const started = Date.now();
    await work();
    options.log(`${what} in ${Date.now() - started} ms`);
  };
  if (!(await rebuildApplied(sequelize, shape))) {
    await prepareRebuild(sequelize, shape, options);
    await timed('copied users', () => copyRows(sequelize, shape, options));
    await buildIndexes(sequelize, shape, options.log);
    await timed('analyzed', () => sequelize.query(`ANALYZE ${shadowOf(shape)}`));
    await catchUpAndVerify(sequelize, shape, options.log);
    await swap(sequelize, shape, options);
  }
  await validateForeignKeys(sequelize, REBUILT_TABLE, options.log);
  await resetKeysetJob(sequelize, progressJobOf(shape));
}
