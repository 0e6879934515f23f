import { expect } from 'chai';
import { retry } from '../../../src/lib/retry.js';

describe('retry (the one retry loop)', () => {
  const busy = Object.assign(new Error('busy'), { code: 'busy' });
  const isBusy = (e: unknown) => (e as { code?: string }).code === 'busy';

  it('when an attempt fails with a retryable error, then it runs again (with the work between) until it succeeds', async () => {
    const between: number[] = [];
    const result = await retry(
      async (attempt) => {
        if (attempt < 3) throw busy;
        return `done at ${attempt}`;
      },
      { attempts: 5, retryOn: isBusy, between: async (a) => void between.push(a) },
    );
    expect(result).to.equal('done at 3');
    expect(between).to.deep.equal([1, 2]);
  });

  it('when the error is not retryable, then it is thrown at once', async () => {
    let calls = 0;
    const error = await retry(
      async () => {
        calls++;
        throw new Error('wrong');
      },
      { attempts: 5, retryOn: isBusy },
    ).catch((e: unknown) => e);
    expect(String(error)).to.contain('wrong');
    expect(calls).to.equal(1);
  });

  it('when every attempt fails, then the give-up error is thrown after exactly `attempts` tries', async () => {
    let calls = 0;
    const error = await retry(
      async () => {
        calls++;
        throw busy;
      },
      { attempts: 3, retryOn: isBusy, giveUp: (_e, n) => new Error(`gave up after ${n}`) },
    ).catch((e: unknown) => e);
    expect(String(error)).to.contain('gave up after 3');
    expect(calls).to.equal(3);
  });
});
