import { expect } from 'chai';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { runShortLockDdl } from '../../../src/consolidation/short-lock-ddl.js';
import {
  isLockConflict,
  isRetryableConflict,
  transactionWithRetry,
} from '../../../src/db/conflict-retry.js';
import { createSequelize } from '../../../src/db/sequelize.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { scratchDatabase } from '../../helpers/database.js';
import { eventually } from '../../helpers/eventually.js';

describe('retrying transactions that lose a race', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let sequelize: Sequelize;
  const exec = (sql: string) => sequelize.query(sql, { type: QueryTypes.RAW });

  before(async () => {
    scratch = await scratchDatabase();
    sequelize = createSequelize({ url: scratch.url, poolMax: 6, logger: silentLogger() });
    await exec(`CREATE TABLE pair (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)`);
    await exec(`INSERT INTO pair (id) VALUES (1), (2)`);
  });
  after(async () => {
    await sequelize.close();
    await scratch.drop();
  });

  /** Resolves for everyone once `parties` have arrived (a victim's re-run passes straight through). */
  function barrier(parties: number): () => Promise<void> {
    let arrived = 0;
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return () => {
      if (++arrived === parties) open();
      return opened;
    };
  }

  /**
   * Two transactions that lock rows 1 and 2 in opposite orders, each taking its second row only
   * once both hold their first: PostgreSQL must kill one.
   */
  function crossedPair(run: typeof transactionWithRetry | 'plain') {
    const bothHoldTheirFirst = barrier(2);
    const crossed = (first: number, second: number) => {
      const work = async (t: Transaction) => {
        await sequelize.query(`UPDATE pair SET n = n + 1 WHERE id = ${first}`, { transaction: t });
        await bothHoldTheirFirst();
        await sequelize.query(`UPDATE pair SET n = n + 1 WHERE id = ${second}`, { transaction: t });
      };
      return run === 'plain' ? sequelize.transaction(work) : run(sequelize, work);
    };
    return [crossed(1, 2), crossed(2, 1)];
  }

  /**
   * A transaction holding a row lock of `pair` until `release` resolves; `holding` resolves once
   * the lock is taken.
   */
  function holdPair(release: (t: Transaction) => Promise<void>) {
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const done = sequelize.transaction(async (t) => {
      await sequelize.query(`UPDATE pair SET n = n WHERE id = 1`, { transaction: t });
      locked();
      await release(t);
    });
    return { holding, done };
  }

  /** Someone waits for an ACCESS EXCLUSIVE lock on `pair` right now (pg_locks). */
  async function ddlWaiting(): Promise<boolean> {
    const [row] = await sequelize.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'pair' AND l.mode = 'AccessExclusiveLock' AND NOT l.granted`,
      { type: QueryTypes.SELECT },
    );
    return row!.n > 0;
  }

  it('when two plain transactions deadlock, then one fails with a retryable conflict', async () => {
    const results = await Promise.allSettled(crossedPair('plain'));
    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures).to.have.length(1);
    const reason = (failures[0] as PromiseRejectedResult).reason;
    expect(isRetryableConflict(reason)).to.equal(true);
    expect(isLockConflict(reason)).to.equal(true);
  });

  it('when the same transactions run with retry, then both commit (the victim runs again)', async () => {
    const [before] = await sequelize.query<{ total: number }>(
      `SELECT sum(n)::int AS total FROM pair`,
      {
        type: QueryTypes.SELECT,
      },
    );
    await Promise.all(crossedPair(transactionWithRetry));
    const [after] = await sequelize.query<{ total: number }>(
      `SELECT sum(n)::int AS total FROM pair`,
      {
        type: QueryTypes.SELECT,
      },
    );
    expect(after!.total - before!.total).to.equal(4);
  });

  it('when the error is not a conflict, then it is not retried', async () => {
    let calls = 0;
    const failure = await transactionWithRetry(sequelize, async (t) => {
      calls += 1;
      await sequelize.query(`INSERT INTO pair (id) VALUES (1)`, { transaction: t });
    }).catch((error: unknown) => error);
    expect(calls).to.equal(1);
    expect(isRetryableConflict(failure)).to.equal(false);
  });

  it('when DDL meets a long transaction, then it waits its turn in short tries and succeeds once the lock is free', async () => {
    // The holder lets go once it has seen the DDL queue behind it (a short try in progress).
    const holder = holdPair(() =>
      eventually(ddlWaiting, { timeoutMs: 10_000, intervalMs: 10, what: 'the DDL waits' }),
    );
    await holder.holding;
    await runShortLockDdl(sequelize, {
      locks: ['pair IN ACCESS EXCLUSIVE MODE'],
      statements: [`ALTER TABLE pair ADD COLUMN note text`],
      lockTimeoutMs: 100,
      attempts: 30,
    });
    await holder.done;
    const columns = await sequelize.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'pair' ORDER BY 1`,
      { type: QueryTypes.SELECT },
    );
    expect(columns.map((c) => c.column_name)).to.include('note');
  });

  it('when the lock never comes within the attempts, then it fails with a lock conflict and changes nothing', async () => {
    // The holder lets go only after the DDL gave up.
    let ddlFinished!: () => void;
    const finished = new Promise<void>((resolve) => (ddlFinished = resolve));
    const holder = holdPair(() => finished);
    await holder.holding;
    const failure = await runShortLockDdl(sequelize, {
      locks: ['pair IN ACCESS EXCLUSIVE MODE'],
      statements: [`ALTER TABLE pair ADD COLUMN never text`],
      lockTimeoutMs: 50,
      attempts: 2,
    }).catch((error: unknown) => error);
    ddlFinished();
    await holder.done;
    expect(isLockConflict(failure)).to.equal(true);
    const columns = await sequelize.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'pair'`,
      { type: QueryTypes.SELECT },
    );
    expect(columns.map((c) => c.column_name)).not.to.include('never');
  });
});
