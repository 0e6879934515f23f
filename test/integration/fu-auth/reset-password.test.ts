import { expect } from 'chai';
import { SignJWT } from 'jose';
import request from 'supertest';
import { manualClock } from '../../../src/lib/clock.js';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { createFuUser, jwtLogin, jwtPayload, outboxFor, tokenIn } from '../../helpers/fu-auth.js';
import { useTestApp } from '../../helpers/test-deps.js';

describe('/fu_auth forgot and reset password (contract rows P1, P2; §2.3)', () => {
  const clock = manualClock(new Date());
  const t = useTestApp({ clock });

  const forgot = (body: unknown) =>
    request(t.app)
      .post('/fu_auth/forgot-password')
      .send(body as object);
  const reset = (token: string, password: string) =>
    request(t.app).post('/fu_auth/reset-password').send({ token, password });
  async function resetToken(email: string): Promise<string> {
    const before = (await outboxFor(t.deps, email)).length;
    await forgot({ email }).expect(202);
    const messages = await outboxFor(t.deps, email);
    expect(messages).to.have.length(before + 1);
    return tokenIn(messages.at(-1));
  }

  it('when the user exists, then 202 null and an e-mail with a reset link reaches the outbox', async () => {
    const { user, email } = await createFuUser(t.deps);
    const res = await forgot({ email });
    expect(res.status).to.equal(202);
    expect(res.text).to.equal('null');
    expect(res.headers['content-type']).to.equal('application/json');
    const [message] = await outboxFor(t.deps, email);
    expect(message).to.include({ to: email, subject: 'Reset your password' });
    expect(message!.text).to.contain('http://localhost:8080/reset-password?token=');
    const payload = jwtPayload(tokenIn(message));
    expect(Object.keys(payload)).to.deep.equal(['sub', 'password_fgpt', 'aud', 'exp']);
    expect(payload).to.include({ sub: user.id, aud: 'fastapi-users:reset' });
    expect(payload.password_fgpt).to.match(/^\$argon2id\$/);
  });

  it('when the e-mail is given in another case, then the user still gets the e-mail', async () => {
    const { email } = await createFuUser(t.deps);
    await forgot({ email: email.toUpperCase() }).expect(202);
    expect(await outboxFor(t.deps, email)).to.have.length(1);
  });

  for (const [when, make] of [
    ['the e-mail is unknown', async () => uniqueEmail('ghost')],
    ['the user is inactive', async () => (await createFuUser(t.deps, { active: false })).email],
  ] as const) {
    it(`when ${when}, then still 202 null and no e-mail`, async () => {
      const email = await make();
      const res = await forgot({ email });
      expect(res.status).to.equal(202);
      expect(res.text).to.equal('null');
      expect(await outboxFor(t.deps, email)).to.deep.equal([]);
    });
  }

  for (const [when, body] of [
    ['the e-mail is missing', {}],
    ['the e-mail is invalid', { email: 'not-an-email' }],
  ] as const) {
    it(`when ${when}, then 422 at ["body","email"]`, async () => {
      const res = await forgot(body);
      expect(res.status).to.equal(422);
      expect(res.body.detail[0].loc).to.deep.equal(['body', 'email']);
    });
  }

  it('when the body is a bare JSON string, then 422 missing email (embedded body)', async () => {
    const res = await request(t.app)
      .post('/fu_auth/forgot-password')
      .set('content-type', 'application/json')
      .send('"a@example.com"');
    expect(res.status).to.equal(422);
    expect(res.body.detail[0]).to.include({ type: 'missing' });
    expect(res.body.detail[0].loc).to.deep.equal(['body', 'email']);
  });

  it('when the token is good, then 200 null, the new password logs in and the old one does not', async () => {
    const { email, password } = await createFuUser(t.deps);
    const res = await reset(await resetToken(email), 'brand-new-pass-1');
    expect(res.status).to.equal(200);
    expect(res.text).to.equal('null');
    await jwtLogin(t.app, email, 'brand-new-pass-1');
    const old = await request(t.app)
      .post('/fu_auth/jwt/login')
      .type('form')
      .send({ username: email, password });
    expect(old.status).to.equal(400);
  });

  it('when a token is used twice, then the second use is RESET_PASSWORD_BAD_TOKEN', async () => {
    const { email } = await createFuUser(t.deps);
    const token = await resetToken(email);
    await reset(token, 'brand-new-pass-1').expect(200);
    const again = await reset(token, 'brand-new-pass-2');
    expect(again.status).to.equal(400);
    expect(again.text).to.equal('{"detail":"RESET_PASSWORD_BAD_TOKEN"}');
  });

  it('when two tokens were issued, then both work until the password changes', async () => {
    const { email } = await createFuUser(t.deps);
    const first = await resetToken(email);
    const second = await resetToken(email);
    await reset(second, 'brand-new-pass-1').expect(200);
    expect((await reset(first, 'brand-new-pass-2')).body).to.deep.equal({
      detail: 'RESET_PASSWORD_BAD_TOKEN',
    });
  });

  it('when the password was changed by PATCH /users/me, then an outstanding token dies', async () => {
    const { email, password } = await createFuUser(t.deps);
    const token = await resetToken(email);
    const access = await jwtLogin(t.app, email, password);
    await request(t.app)
      .patch('/fu_auth/users/me')
      .set('authorization', `Bearer ${access}`)
      .send({ password: 'patched-pass-1' })
      .expect(200);
    expect((await reset(token, 'brand-new-pass-1')).body.detail).to.equal(
      'RESET_PASSWORD_BAD_TOKEN',
    );
  });

  it('when a login rehashed the password (bcrypt → argon2id), then an outstanding token dies', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    const token = await resetToken(legacy.email);
    await jwtLogin(t.app, legacy.email, legacy.password);
    expect((await reset(token, 'brand-new-pass-1')).body.detail).to.equal(
      'RESET_PASSWORD_BAD_TOKEN',
    );
  });

  it('when the token has expired, then RESET_PASSWORD_BAD_TOKEN', async () => {
    const { email } = await createFuUser(t.deps);
    const token = await resetToken(email);
    clock.advance(3600 * 1000);
    try {
      expect((await reset(token, 'brand-new-pass-1')).body.detail).to.equal(
        'RESET_PASSWORD_BAD_TOKEN',
      );
    } finally {
      clock.advance(-3600 * 1000);
    }
  });

  it('when the user was deactivated after asking, then RESET_PASSWORD_BAD_TOKEN', async () => {
    const { user, email } = await createFuUser(t.deps);
    const token = await resetToken(email);
    await t.deps.fuAuth.deps.store().update(user, { isActive: false });
    expect((await reset(token, 'brand-new-pass-1')).body.detail).to.equal(
      'RESET_PASSWORD_BAD_TOKEN',
    );
  });

  it('when the user was deleted after asking, then RESET_PASSWORD_BAD_TOKEN', async () => {
    const { user, email } = await createFuUser(t.deps);
    const token = await resetToken(email);
    await t.deps.fuAuth.deps.store().delete(user);
    expect((await reset(token, 'brand-new-pass-1')).body.detail).to.equal(
      'RESET_PASSWORD_BAD_TOKEN',
    );
  });

  const forged = async (
    claims: Record<string, unknown>,
    secret = t.deps.config.fuAuth.resetPasswordTokenSecret,
  ) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

  for (const [when, claims] of [
    ['the token is garbage', null],
    ['sub is missing', { password_fgpt: 'x', aud: 'fastapi-users:reset' }],
    [
      'password_fgpt is missing',
      { sub: '5016eede-6493-48fb-b82b-f31a6ca7dd55', aud: 'fastapi-users:reset' },
    ],
    ['sub is not a UUID', { sub: 'me', password_fgpt: 'x', aud: 'fastapi-users:reset' }],
    [
      'the audience is the verify one',
      {
        sub: '5016eede-6493-48fb-b82b-f31a6ca7dd55',
        password_fgpt: 'x',
        aud: 'fastapi-users:verify',
      },
    ],
  ] as const) {
    it(`when ${when}, then 400 RESET_PASSWORD_BAD_TOKEN`, async () => {
      const token = claims ? await forged(claims) : 'not.a.token';
      expect((await reset(token, 'brand-new-pass-1')).body).to.deep.equal({
        detail: 'RESET_PASSWORD_BAD_TOKEN',
      });
    });
  }

  it('when the fingerprint does not match the stored hash, then RESET_PASSWORD_BAD_TOKEN', async () => {
    const { user } = await createFuUser(t.deps);
    const token = await forged({
      sub: user.id,
      password_fgpt: await t.deps.hasher.hash('some other hash'),
      aud: 'fastapi-users:reset',
    });
    expect((await reset(token, 'brand-new-pass-1')).body.detail).to.equal(
      'RESET_PASSWORD_BAD_TOKEN',
    );
  });

  it('when the new password breaks the policy, then 400 {code: RESET_PASSWORD_INVALID_PASSWORD, reason} and the token still works', async () => {
    const { email } = await createFuUser(t.deps);
    const token = await resetToken(email);
    const res = await reset(token, 'short');
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.equal({
      detail: {
        code: 'RESET_PASSWORD_INVALID_PASSWORD',
        reason: 'Password should be at least 8 characters',
      },
    });
    await reset(token, 'long-enough-now').expect(200);
  });

  it('when a field is missing, then 422 naming it', async () => {
    const res = await request(t.app).post('/fu_auth/reset-password').send({ token: 'x' });
    expect(res.status).to.equal(422);
    expect(res.body.detail.map((i: { loc: unknown }) => i.loc)).to.deep.equal([
      ['body', 'password'],
    ]);
  });
});
