import { expect } from 'chai';
import request from 'supertest';
import type { LoginResponse } from '../../../src/fu-auth/hooks.js';
import type { FuUser } from '../../../src/fu-auth/store/user-store.js';
import { memoryLogger } from '../../../src/lib/logger.js';
import { uniqueEmail } from '../../helpers/factories.js';
import {
  bearer,
  createFuUser,
  jwtLogin,
  recordingHooks,
  type HookCall,
} from '../../helpers/fu-auth.js';
import { useTestApp } from '../../helpers/test-deps.js';

/** §5.7: which hook fires, when, with what; and the default hooks never log a token. */
describe('/fu_auth hooks', () => {
  const recorded = recordingHooks();
  const log = memoryLogger('trace');
  const t = useTestApp({ fuHooks: recorded.hooks, logger: log.logger });

  /** The calls made for one user (hooks are shared by every test in this file). */
  const callsFor = (email: string): HookCall[] =>
    recorded.calls.filter((call) => (call[1] as FuUser).email === email);
  const names = (email: string) => callsFor(email).map((call) => call[0]);

  it('when a user registers, then onAfterRegister(user, request) fires once', async () => {
    const email = uniqueEmail('hook');
    await request(t.app)
      .post('/fu_auth/register')
      .send({ email, password: 'long-enough-1' })
      .expect(201);
    expect(names(email)).to.deep.equal(['onAfterRegister']);
    expect(callsFor(email)[0]![2]).to.have.keys('ip', 'userAgent', 'requestId');
  });

  it('when a login succeeds, then onAfterLogin(user, request, response) fires and may change the response; a failed login fires nothing', async () => {
    const { email, password } = await createFuUser(t.deps);
    await request(t.app)
      .post('/fu_auth/jwt/login')
      .type('form')
      .send({ username: email, password: 'x' });
    expect(names(email)).to.deep.equal(['onAfterRegister']);
    const original = recorded.hooks.onAfterLogin;
    recorded.hooks.onAfterLogin = async (user, info, response: LoginResponse) => {
      await original(user, info, response);
      response.headers['x-hook'] = 'was here';
    };
    try {
      const res = await request(t.app)
        .post('/fu_auth/jwt/login')
        .type('form')
        .send({ username: email, password });
      expect(res.headers['x-hook']).to.equal('was here');
    } finally {
      recorded.hooks.onAfterLogin = original;
    }
    const login = callsFor(email).find((call) => call[0] === 'onAfterLogin')!;
    expect((login[3] as LoginResponse).status).to.equal(200);
  });

  it('when PATCH /users/me is sent, then onAfterUpdate gets the input dict (plain password, flags dropped); {} fires too', async () => {
    const { email, password } = await createFuUser(t.deps);
    const token = await jwtLogin(t.app, email, password);
    await request(t.app)
      .patch('/fu_auth/users/me')
      .set(bearer(token))
      .send({ password: 'next-pass-1', is_superuser: true })
      .expect(200);
    await request(t.app).patch('/fu_auth/users/me').set(bearer(token)).send({}).expect(200);
    const updates = callsFor(email).filter((call) => call[0] === 'onAfterUpdate');
    expect(updates.map((call) => call[2])).to.deep.equal([{ password: 'next-pass-1' }, {}]);
  });

  it('when forgot-password and reset run, then onAfterForgotPassword(user, token) then onAfterResetPassword(user) fire, and no onAfterUpdate', async () => {
    const { email } = await createFuUser(t.deps);
    await request(t.app).post('/fu_auth/forgot-password').send({ email }).expect(202);
    await t.deps.background.drain(); // the hook runs after the answer
    const forgot = callsFor(email).find((call) => call[0] === 'onAfterForgotPassword')!;
    const token = forgot[2] as string;
    await request(t.app)
      .post('/fu_auth/reset-password')
      .send({ token, password: 'reset-pass-1' })
      .expect(200);
    expect(names(email)).to.deep.equal([
      'onAfterRegister',
      'onAfterForgotPassword',
      'onAfterResetPassword',
    ]);
  });

  it('when verification runs, then onAfterRequestVerify(user, token) then onAfterVerify(user), and no onAfterUpdate', async () => {
    const { email } = await createFuUser(t.deps);
    await request(t.app).post('/fu_auth/request-verify-token').send({ email }).expect(202);
    await t.deps.background.drain(); // the hook runs after the answer
    const token = callsFor(email).find((call) => call[0] === 'onAfterRequestVerify')![2] as string;
    await request(t.app).post('/fu_auth/verify').send({ token }).expect(200);
    expect(names(email)).to.deep.equal([
      'onAfterRegister',
      'onAfterRequestVerify',
      'onAfterVerify',
    ]);
    expect((callsFor(email).at(-1)![1] as FuUser).isVerified).to.equal(true);
  });

  it('when a superuser deletes a user, then onBeforeDelete then onAfterDelete fire; logout fires nothing', async () => {
    const admin = await createFuUser(t.deps, { superuser: true });
    const token = await jwtLogin(t.app, admin.email, admin.password);
    const { user, email } = await createFuUser(t.deps);
    await request(t.app).delete(`/fu_auth/users/${user.id}`).set(bearer(token)).expect(204);
    expect(names(email)).to.deep.equal(['onAfterRegister', 'onBeforeDelete', 'onAfterDelete']);
    await request(t.app).post('/fu_auth/jwt/logout').set(bearer(token)).expect(204);
    expect(names(admin.email)).to.deep.equal(['onAfterRegister', 'onAfterLogin']);
  });

  it('when requests carry passwords and tokens, then no log line contains them', async () => {
    const { email } = await createFuUser(t.deps, { password: 'secret-password-xyz' });
    await request(t.app)
      .post('/fu_auth/jwt/login')
      .type('form')
      .send({ username: email, password: 'secret-password-xyz' });
    await request(t.app).post('/fu_auth/forgot-password').send({ email }).expect(202);
    await t.deps.background.drain(); // the hook runs after the answer
    const token = callsFor(email).find((call) => call[0] === 'onAfterForgotPassword')![2] as string;
    const lines = log.lines().join('\n');
    expect(lines).to.not.contain('secret-password-xyz');
    expect(lines).to.not.contain(token);
  });
});
