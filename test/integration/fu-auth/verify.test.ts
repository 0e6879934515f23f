import { expect } from 'chai';
import { SignJWT } from 'jose';
import request from 'supertest';
import { manualClock } from '../../../src/lib/clock.js';
import { uniqueEmail } from '../../helpers/factories.js';
import {
  bearer,
  createFuUser,
  jwtLogin,
  jwtPayload,
  outboxFor,
  tokenIn,
} from '../../helpers/fu-auth.js';
import { useTestApp } from '../../helpers/test-deps.js';

describe('/fu_auth request-verify-token and verify (contract rows V1, V2; §2.4)', () => {
  const clock = manualClock(new Date());
  const t = useTestApp({ clock });

  const requestToken = (email: string) =>
    request(t.app).post('/fu_auth/request-verify-token').send({ email });
  const verify = (token: string) => request(t.app).post('/fu_auth/verify').send({ token });
  async function verifyToken(email: string): Promise<string> {
    await requestToken(email).expect(202);
    return tokenIn((await outboxFor(t.deps, email)).at(-1));
  }

  it('when an active unverified user asks, then 202 null and an e-mail with a verify link', async () => {
    const { user, email } = await createFuUser(t.deps);
    const res = await requestToken(email);
    expect(res.status).to.equal(202);
    expect(res.text).to.equal('null');
    const [message] = await outboxFor(t.deps, email);
    expect(message!.text).to.contain('/verify?token=');
    const payload = jwtPayload(tokenIn(message));
    expect(Object.keys(payload)).to.deep.equal(['sub', 'email', 'aud', 'exp']);
    expect(payload).to.include({ sub: user.id, email, aud: 'fastapi-users:verify' });
  });

  for (const [when, make] of [
    ['the e-mail is unknown', async () => uniqueEmail('ghost')],
    ['the user is inactive', async () => (await createFuUser(t.deps, { active: false })).email],
    [
      'the user is already verified',
      async () => (await createFuUser(t.deps, { verified: true })).email,
    ],
  ] as const) {
    it(`when ${when}, then still 202 null and no e-mail`, async () => {
      const email = await make();
      const res = await requestToken(email);
      expect(res.status).to.equal(202);
      expect(res.text).to.equal('null');
      expect(await outboxFor(t.deps, email)).to.deep.equal([]);
    });
  }

  it('when the e-mail is invalid, then 422', async () => {
    expect((await requestToken('nope')).status).to.equal(422);
  });

  it('when the token is good, then 200 with the user and is_verified true; reusing it is VERIFY_USER_ALREADY_VERIFIED', async () => {
    const { user, email } = await createFuUser(t.deps);
    const token = await verifyToken(email);
    const res = await verify(token);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      id: user.id,
      email,
      is_active: true,
      is_superuser: false,
      is_verified: true,
    });
    const again = await verify(token);
    expect(again.status).to.equal(400);
    expect(again.text).to.equal('{"detail":"VERIFY_USER_ALREADY_VERIFIED"}');
  });

  it('when the user was deactivated after asking, then verifying still succeeds (upstream)', async () => {
    const { user, email } = await createFuUser(t.deps);
    const token = await verifyToken(email);
    await t.deps.fuAuth.deps.store().update(user, { isActive: false });
    const res = await verify(token);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ is_active: false, is_verified: true });
  });

  it('when the e-mail changed after the token was issued, then VERIFY_USER_BAD_TOKEN', async () => {
    const { email, password } = await createFuUser(t.deps);
    const token = await verifyToken(email);
    const access = await jwtLogin(t.app, email, password);
    await request(t.app)
      .patch('/fu_auth/users/me')
      .set(bearer(access))
      .send({ email: uniqueEmail('moved') })
      .expect(200);
    expect((await verify(token)).body).to.deep.equal({ detail: 'VERIFY_USER_BAD_TOKEN' });
  });

  it("when only the case of the stored e-mail differs from the token's, then the token still works", async () => {
    const { user, email } = await createFuUser(t.deps);
    const token = await verifyToken(email);
    await t.deps.sequelize.query('UPDATE fu_users SET email = upper(email) WHERE id = :id', {
      replacements: { id: user.id },
    });
    expect((await verify(token)).status).to.equal(200);
  });

  it('when the token has expired, then VERIFY_USER_BAD_TOKEN', async () => {
    const { email } = await createFuUser(t.deps);
    const token = await verifyToken(email);
    clock.advance(3600 * 1000);
    try {
      expect((await verify(token)).body.detail).to.equal('VERIFY_USER_BAD_TOKEN');
    } finally {
      clock.advance(-3600 * 1000);
    }
  });

  it('when a reset token is posted to /verify, then VERIFY_USER_BAD_TOKEN (audience)', async () => {
    const { email } = await createFuUser(t.deps);
    await request(t.app).post('/fu_auth/forgot-password').send({ email }).expect(202);
    const resetToken = tokenIn((await outboxFor(t.deps, email)).at(-1));
    expect((await verify(resetToken)).body.detail).to.equal('VERIFY_USER_BAD_TOKEN');
  });

  const forged = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(t.deps.config.fuAuth.verificationTokenSecret));
  const AUD = 'fastapi-users:verify';

  it('when sub, email or both are missing or wrong, then VERIFY_USER_BAD_TOKEN', async () => {
    const { user, email } = await createFuUser(t.deps);
    const other = await createFuUser(t.deps);
    for (const claims of [
      { email, aud: AUD },
      { sub: user.id, aud: AUD },
      { sub: user.id, email: uniqueEmail('ghost'), aud: AUD },
      { sub: 'not-a-uuid', email, aud: AUD },
      { sub: other.user.id, email, aud: AUD },
      { sub: user.id, email: 42, aud: AUD },
    ]) {
      const res = await verify(await forged(claims));
      expect(res.status, JSON.stringify(claims)).to.equal(400);
      expect(res.body).to.deep.equal({ detail: 'VERIFY_USER_BAD_TOKEN' });
    }
  });

  it('when sub is the id without hyphens, then it still matches (UUID parsing)', async () => {
    const { user, email } = await createFuUser(t.deps);
    const res = await verify(await forged({ sub: user.id.replaceAll('-', ''), email, aud: AUD }));
    expect(res.status).to.equal(200);
  });

  it('when the token is missing, then 422', async () => {
    const res = await request(t.app).post('/fu_auth/verify').send({});
    expect(res.status).to.equal(422);
    expect(res.body.detail[0].loc).to.deep.equal(['body', 'token']);
  });
});
