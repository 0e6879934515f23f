import { expect } from 'chai';
import { createCrashCounter, type RestartPolicy } from '../../../src/cli/restart-policy.js';

const POLICY: RestartPolicy = {
  maxRestarts: 3,
  baseDelayMs: 100,
  maxDelayMs: 250,
  stableAfterMs: 1000,
};

describe('restart policy (npm start)', () => {
  it('when a service keeps crashing right after it starts, then the delay doubles up to the cap and the supervisor gives up past the limit', () => {
    const counter = createCrashCounter(POLICY);
    expect([1, 2, 3].map(() => counter.crashed(10))).to.deep.equal([
      { restart: true, attempt: 1, delayMs: 100 },
      { restart: true, attempt: 2, delayMs: 200 },
      { restart: true, attempt: 3, delayMs: 250 },
    ]);
    expect(counter.crashed(10)).to.deep.equal({ restart: false, crashes: 4 });
  });

  it('when a service ran long enough before it crashed, then a new streak begins', () => {
    const counter = createCrashCounter(POLICY);
    [1, 2, 3].forEach(() => counter.crashed(10));
    expect(counter.crashed(1000)).to.deep.equal({ restart: true, attempt: 1, delayMs: 100 });
  });

  it('when its code changed, then earlier crashes no longer count', () => {
    const counter = createCrashCounter(POLICY);
    [1, 2, 3].forEach(() => counter.crashed(10));
    counter.reset();
    expect(counter.crashed(10)).to.deep.equal({ restart: true, attempt: 1, delayMs: 100 });
  });
});
