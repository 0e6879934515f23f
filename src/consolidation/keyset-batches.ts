import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { transactionWithRetry } from '../db/conflict-retry.js';

/**
 * A data step split into keyset batches (`WHERE key > :after ORDER BY key LIMIT :limit`), each
 * committed together with its progress row in `consolidation_progress`. An interrupted run
 * resumes after the last committed key instead of starting over, and prints done/total.
 * Never a row-by-row loop: every batch is one set-based statement.
 */
export interface KeysetJob {
  /** Progress key, unique per data step (and direction). */
  job: string;
  /** One row `{ n }`: how many keys the step will visit (for done/total). */
  countSql: string;
  /**
   * One set-based statement over the keys after `:after` (at most `:limit` of them), returning
   * one row `{ last_key, scanned }`: the highest key visited (NULL when none) and how many.
   */
  batchSql: string;
  batchSize: number;
  /** Statements run first in every batch's transaction (e.g. `SET LOCAL`). */
  setup?: string[];
}

export interface KeysetProgress {
  job: string;
  done: number;
  total: number;
}

interface ProgressRow {
  last_key: string;
  done: string;
  finished: boolean;
}

export async function runKeysetBatches(
  sequelize: Sequelize,
  job: KeysetJob,
  report: (progress: KeysetProgress) => void,
): Promise<KeysetProgress> {
  const [saved] = await sequelize.query<ProgressRow>(
    'SELECT last_key, done, finished FROM consolidation_progress WHERE job = :job',
    { replacements: { job: job.job }, type: QueryTypes.SELECT },
  );
  const [count] = await sequelize.query<{ n: string }>(job.countSql, { type: QueryTypes.SELECT });
  let after = saved ? Number(saved.last_key) : 0;
  let done = saved ? Number(saved.done) : 0;
  // Rows may arrive while the step runs (and countSql may be an estimate): total is never
  // below what is already done.
  let total = Math.max(Number(count?.n ?? 0), done);
  if (saved?.finished) return { job: job.job, done, total: done };
  report({ job: job.job, done, total });
  let lastReport = Date.now();
  for (;;) {
    // A batch that loses a deadlock to live traffic (it locks the rows it copies) runs again:
    // nothing of it was committed, its progress included.
    const batch = await transactionWithRetry(sequelize, async (transaction) => {
      for (const statement of job.setup ?? []) await sequelize.query(statement, { transaction });
      const [row] = await sequelize.query<{ last_key: string | null; scanned: string }>(
        job.batchSql,
        { replacements: { after, limit: job.batchSize }, transaction, type: QueryTypes.SELECT },
      );
      const n = Number(row?.scanned ?? 0);
      const next = { scanned: n, after: n > 0 ? Number(row!.last_key) : after, done: done + n };
      await sequelize.query(
        `INSERT INTO consolidation_progress (job, last_key, done, total, finished, updated_at)
         VALUES (:job, :after, :done, :total, :finished, now())
         ON CONFLICT (job) DO UPDATE SET last_key = EXCLUDED.last_key, done = EXCLUDED.done,
           total = EXCLUDED.total, finished = EXCLUDED.finished, updated_at = now()`,
        {
          replacements: {
            job: job.job,
            after: next.after,
            done: next.done,
            total: n === 0 ? next.done : Math.max(total, next.done),
            finished: n === 0,
          },
          transaction,
        },
      );
      return next;
    });
    const { scanned } = batch;
    after = batch.after;
    done = batch.done;
    // Every key has been visited once the last batch comes back empty: done is the total.
    total = scanned === 0 ? done : Math.max(total, done);
    if (scanned === 0 || Date.now() - lastReport >= 1000) {
      report({ job: job.job, done, total });
      lastReport = Date.now();
    }
    if (scanned === 0) return { job: job.job, done, total };
  }
}

/** Forgets a step's progress, so running it again (after its `down`) starts from the beginning. */
export async function resetKeysetJob(
  sequelize: Sequelize,
  job: string,
  transaction?: Transaction,
): Promise<void> {
  await sequelize.query('DELETE FROM consolidation_progress WHERE job = :job', {
    replacements: { job },
    transaction,
  });
}

/** Batch size for data steps: the `batchSize` parameter of the run, or a default that suits 1M rows. */
export function batchSizeOf(params: Readonly<Record<string, string>>): number {
  const size = Number(params.batchSize ?? 20_000);
  if (!Number.isSafeInteger(size) || size < 1)
    throw new Error(`batchSize must be a positive whole number, got ${params.batchSize}`);
  return size;
}
