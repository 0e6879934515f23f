import { expect } from 'chai';
import request from 'supertest';
import { noopHooks } from '../../../src/fu-auth/hooks.js';
import { memoryLogger } from '../../../src/lib/logger.js';
import { uniqueEmail } from '../../helpers/factories.js';
import { createFuUser } from '../../helpers/fu-auth.js';
import { useTestApp } from '../../helpers/test-deps.js';

/**
 * Forgot-password and request-verify-token answer before the work they trigger (the lookup, the
 * token, the e-mail), so their time says nothing about the address; the work's failure is logged.
 */
describe('/fu_auth answers before the e-mail work', () => {
  /** A hook that blocks until the test releases it, and says when it was entered. */
  const gate = () => {
    let release!: () => void;
    let entered!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (entered = resolve));
    return { release, reached, hook: async () => (entered(), released) };
  };
  const forgot = gate();
  const verify = gate();
  const log = memoryLogger('trace');
  const t = useTestApp({
    logger: log.logger,
    fuHooks: {
      ...noopHooks(),
      onAfterForgotPassword: async (user) => {
        if (user.email.startsWith('fails-')) throw new Error('the mail relay is down');
        await forgot.hook();
      },
      onAfterRequestVerify: verify.hook,
    },
  });

  for (const [path, blocked] of [
    ['/fu_auth/forgot-password', forgot],
    ['/fu_auth/request-verify-token', verify],
  ] as const)
    it(`when the e-mail of ${path} cannot go out yet, then 202 arrives first and the work runs after`, async () => {
      const { email } = await createFuUser(t.deps);
      const res = await request(t.app).post(path).send({ email });
      expect(res.status).to.equal(202);
      expect(res.body).to.equal(null);
      await blocked.reached; // the work did start, after the answer, and is still waiting
      blocked.release();
      await t.deps.background.drain();
    });

  it('when the work after the answer fails, then the answer was 202 and the failure is logged by name', async () => {
    const { email } = await createFuUser(t.deps, { email: uniqueEmail('fails') });
    await request(t.app).post('/fu_auth/forgot-password').send({ email }).expect(202);
    await t.deps.background.drain();
    expect(log.lines().join('\n')).to.contain('forgot-password failed');
  });
});
