import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
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

  /** Two transactions that lock rows 1 and 2 in opposite orders: PostgreSQL must kill one. */
  function crossed(run: typeof transactionWithRetry | 'plain', first: number, second: number) {
    const work = async (t: Transaction) => {
      await sequelize.query(`UPDATE pair SET n = n + 1 WHERE id = ${first}`, { transaction: t });
      await sleep(200);
      await sequelize.query(`UPDATE pair SET n = n + 1 WHERE id = ${second}`, { transaction: t });
    };
    return run === 'plain' ? sequelize.transaction(work) : run(sequelize, work);
  }

  it('when two plain transactions deadlock, then one fails with a retryable conflict', async () => {
    const results = await Promise.allSettled([crossed('plain', 1, 2), crossed('plain', 2, 1)]);
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
    await Promise.all([crossed(transactionWithRetry, 1, 2), crossed(transactionWithRetry, 2, 1)]);
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
    const holder = sequelize.transaction(async (t) => {
      await sequelize.query(`UPDATE pair SET n = n WHERE id = 1`, { transaction: t });
      await sleep(700);
    });
    await sleep(50);
    await runShortLockDdl(sequelize, {
      locks: ['pair IN ACCESS EXCLUSIVE MODE'],
      statements: [`ALTER TABLE pair ADD COLUMN note text`],
      lockTimeoutMs: 100,
      attempts: 30,
    });
    await holder;
    const columns = await sequelize.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'pair' ORDER BY 1`,
      { type: QueryTypes.SELECT },
    );
    expect(columns.map((c) => c.column_name)).to.include('note');
  });

  it('when the lock never comes within the attempts, then it fails with a lock conflict and changes nothing', async () => {
    const holder = sequelize.transaction(async (t) => {
      await sequelize.query(`UPDATE pair SET n = n WHERE id = 1`, { transaction: t });
      await sleep(800);
    });
    await sleep(50);
    const failure = await runShortLockDdl(sequelize, {
      locks: ['pair IN ACCESS EXCLUSIVE MODE'],
      statements: [`ALTER TABLE pair ADD COLUMN never text`],
      lockTimeoutMs: 50,
      attempts: 2,
    }).catch((error: unknown) => error);
    await holder;
    expect(isLockConflict(failure)).to.equal(true);
    const columns = await sequelize.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'pair'`,
      { type: QueryTypes.SELECT },
    );
    expect(columns.map((c) => c.column_name)).not.to.include('never');
  });
});
