import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { createHashPool } from '../../../src/passwords/hash-pool.js';

const cost = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** The nice value of each thread of this process (Linux), by thread id. */
function threadNiceness(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(Number(tid), Number(fields[16]));
    } catch {
      // the thread ended while we looked
    }
  }
  return out;
}

describe('hashing threads', () => {
  it('when more jobs arrive than there are threads, then the rest wait in line and all complete', async () => {
    const pool = createHashPool({ threads: 2, nice: 0 });
    try {
      const jobs = Array.from({ length: 5 }, (_, i) =>
        pool.run({ op: 'argon2-hash', password: `pw-${i}`, cost }),
      );
      expect(pool.stats()).to.deep.equal({ threads: 2, running: 2, queued: 3 });
      const hashes = await Promise.all(jobs);
      expect(new Set(hashes).size).to.equal(5);
      for (const [i, hash] of hashes.entries())
        expect(await pool.run({ op: 'argon2-verify', password: `pw-${i}`, hash })).to.equal(true);
      expect(pool.stats()).to.deep.equal({ threads: 2, running: 0, queued: 0 });
    } finally {
      await pool.close();
    }
  });

  it('when a job fails, then its promise rejects and the thread serves the next job', async () => {
    const pool = createHashPool({ threads: 1, nice: 0 });
    try {
      const failing = pool.run({ op: 'argon2-verify', password: 'pw', hash: '$argon2id$broken' });
      await failing.then(
        () => expect.fail('a malformed hash must not verify'),
        (error: Error) => expect(error).to.be.instanceOf(Error),
      );
      const hash = await pool.run({ op: 'bcrypt-hash', password: 'pw', rounds: 4 });
      expect(await pool.run({ op: 'bcrypt-verify', password: 'pw', hash })).to.equal(true);
    } finally {
      await pool.close();
    }
  });

  it('when the threads run, then they run at the configured nice value and the event loop thread keeps its own', async () => {
    const before = threadNiceness();
    const pool = createHashPool({ threads: 1, nice: 7 });
    try {
      await pool.run({ op: 'argon2-hash', password: 'pw', cost });
      const after = threadNiceness();
      const added = [...after].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
      expect(added).to.include(7);
      expect(after.get(process.pid)).to.equal(before.get(process.pid));
    } finally {
      await pool.close();
    }
  });

  it('when the pool is closed, then waiting jobs are rejected and new ones refused', async () => {
    const pool = createHashPool({ threads: 1, nice: 0 });
    const running = pool.run({ op: 'argon2-hash', password: 'a', cost });
    const waiting = pool.run({ op: 'argon2-hash', password: 'b', cost });
    const outcomes = Promise.allSettled([running, waiting]);
    await pool.close();
    const [, second] = await outcomes;
    expect(second.status).to.equal('rejected');
    await pool.run({ op: 'argon2-hash', password: 'c', cost }).then(
      () => expect.fail('a closed pool must refuse work'),
      (error: Error) => expect(error.message).to.match(/closed/),
    );
  });
});
