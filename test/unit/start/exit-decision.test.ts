import { expect } from 'chai';
import { decideAfterExit, type ExitContext } from '../../../src/cli/exit-decision.js';
import { createCrashCounter } from '../../../src/cli/restart-policy.js';

const context = (overrides: Partial<ExitContext> = {}): ExitContext => ({
  service: 'monolith',
  restartable: true,
  everReady: true,
  firstRun: false,
  uptimeMs: 5000,
  crashes: createCrashCounter(),
  ...overrides,
});

describe('what npm start does when a service ends by itself', () => {
  it('when it exits 0 or on a stop signal, then someone asked it to stop and the stack stops', () => {
    for (const exit of [
      { code: 0, signal: null },
      { code: null, signal: 'SIGTERM' as const },
      { code: null, signal: 'SIGINT' as const },
      { code: null, signal: 'SIGHUP' as const },
    ])
      expect(decideAfterExit(exit, context()).action, JSON.stringify(exit)).to.equal('stop-stack');
  });

  it('when it crashes after it was ready, then it is restarted with backoff', () => {
    expect(decideAfterExit({ code: null, signal: 'SIGKILL' }, context())).to.deep.equal({
      action: 'restart',
      attempt: 1,
      delayMs: 250,
    });
  });

  it('when its first run dies before it was ever ready, then the stack gives up and passes on "busy" (3)', () => {
    const first = context({ everReady: false, firstRun: true });
    expect(decideAfterExit({ code: 3, signal: null }, first)).to.include({
      action: 'give-up',
      exitCode: 3,
    });
    expect(decideAfterExit({ code: 1, signal: null }, first)).to.include({
      action: 'give-up',
      exitCode: 1,
    });
  });

  it('when a service that is not restartable (the database) crashes, then the stack gives up', () => {
    const decision = decideAfterExit(
      { code: 1, signal: null },
      context({ service: 'database', restartable: false }),
    );
    expect(decision).to.deep.equal({
      action: 'give-up',
      message: 'the database stopped unexpectedly (exit code 1)',
      exitCode: 1,
    });
  });

  it('when the crashes keep coming, then the message says how often, that it gives up, and where to look', () => {
    const crashes = createCrashCounter();
    const exit = { code: 1, signal: null };
    for (let i = 0; i < 5; i++) decideAfterExit(exit, context({ crashes, uptimeMs: 10 }));
    expect(decideAfterExit(exit, context({ crashes, uptimeMs: 10 }))).to.deep.equal({
      action: 'give-up',
      message:
        'monolith crashed 6 times in a row, each within 60 s of starting (last: exit code 1); ' +
        'giving up and stopping the stack. Its output above says why.',
      exitCode: 1,
    });
  });
});
