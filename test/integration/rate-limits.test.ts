import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createLegacyUser, uniqueEmail } from '../helpers/factories.js';
import { useTestApp } from '../helpers/test-deps.js';

/**
 * The one limiter on both engines and the facade (src/rate-limit): the legacy engine's
 * `/auth/login` and `/auth/register` are limited like `/fu_auth`, in the legacy format, and every
 * login route counts into the same (account, address) budget.
 */
describe('rate limits on both engines', () => {
  const t = useTestApp({
    env: {
      RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '3/900',
      RATE_LIMIT_REGISTER_PER_IP: '2/60',
    },
  });

  /**
   * A client address of its own (trust proxy is loopback), so tests never share a window: a /64
   * of its own, since an IPv6 client is counted by its /64.
   */
  const uniqueIp = () =>
    `2001:db8:${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}::1`;
  const legacyLogin = (from: string, email: string, password: string, path = '/auth/login') =>
    request(t.app).post(path).set('x-forwarded-for', from).send({ email, password });

  it('when one address fails a legacy login 3 times, then it gets 429 {"error":"too_many_requests"} with Retry-After, and the owner logs in from another', async () => {
    const user = await createLegacyUser(t.deps.sequelize);
    const attacker = uniqueIp();
    for (let i = 0; i < 3; i += 1) await legacyLogin(attacker, user.email, 'wrong').expect(401);
    const refused = await legacyLogin(attacker, user.email, user.password);
    expect(refused.status).to.equal(429);
    expect(refused.text).to.equal('{"error":"too_many_requests"}');
    expect(Number(refused.headers['retry-after'])).to.be.within(1, 900);
    const owner = await legacyLogin(uniqueIp(), user.email, user.password);
    expect(owner.status).to.equal(200);
    expect(owner.body.user.email).to.equal(user.email);
  });

  it('when more wrong passwords than the budget reach /auth/login at once, then at most the budget is evaluated', async () => {
    const user = await createLegacyUser(t.deps.sequelize);
    const from = uniqueIp();
    const statuses = (
      await Promise.all(Array.from({ length: 12 }, () => legacyLogin(from, user.email, 'wrong')))
    ).map((res) => res.status);
    expect(statuses.filter((s) => s === 401)).to.have.length(3);
    expect(statuses.filter((s) => s === 429)).to.have.length(9);
  });

  it('when failures arrive on the legacy engine, the facade and /fu_auth from one address, then they share one budget', async () => {
    const user = await createLegacyUser(t.deps.sequelize);
    const from = uniqueIp();
    await legacyLogin(from, user.email, 'wrong').expect(401);
    await legacyLogin(from, user.email, 'wrong', '/fu_auth/legacy/login').expect(401);
    await request(t.app)
      .post('/fu_auth/jwt/login')
      .set('x-forwarded-for', from)
      .type('form')
      .send({ username: user.email.toUpperCase(), password: 'wrong' })
      .expect(400);
    expect((await legacyLogin(from, user.email, user.password)).status).to.equal(429);
  });

  for (const [path, refusal] of [
    ['/auth/register', '{"error":"too_many_requests"}'],
    ['/fu_auth/legacy/register', '{"error":"too_many_requests"}'],
    ['/fu_auth/register', '{"detail":"TOO_MANY_REQUESTS"}'],
  ] as const)
    it(`when one address registers more than its limit on ${path}, then 429 ${refusal}`, async () => {
      const from = uniqueIp();
      const register = () =>
        request(t.app)
          .post(path)
          .set('x-forwarded-for', from)
          .send({ email: uniqueEmail('reg'), password: 'register-pass-1' });
      for (let i = 0; i < 2; i += 1) expect((await register()).status).to.equal(201);
      const res = await register();
      expect(res.status).to.equal(429);
      expect(res.text).to.equal(refusal);
      expect(res.headers['retry-after']).to.match(/^\d+$/);
      await request(t.app)
        .post(path)
        .set('x-forwarded-for', uniqueIp())
        .send({ email: uniqueEmail('reg'), password: 'register-pass-1' })
        .expect(201);
    });

  it('when one client fails from many addresses of its IPv6 /64, then they share one budget, and the owner logs in from another /64', async () => {
    const user = await createLegacyUser(t.deps.sequelize);
    const prefix = `2001:db8:${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}`;
    const inPrefix = () =>
      `${prefix}:${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}::${randomInt(1, 0xffff).toString(16)}`;
    for (let i = 0; i < 3; i += 1) await legacyLogin(inPrefix(), user.email, 'wrong').expect(401);
    expect((await legacyLogin(inPrefix(), user.email, user.password)).status).to.equal(429);
    expect((await legacyLogin(uniqueIp(), user.email, user.password)).status).to.equal(200);
  });

  it('when one IPv4 client fails in both its plain and its IPv4-mapped IPv6 spelling, then both count as one address', async () => {
    const user = await createLegacyUser(t.deps.sequelize);
    const v4 = `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    await legacyLogin(v4, user.email, 'wrong').expect(401);
    await legacyLogin(`::ffff:${v4}`, user.email, 'wrong').expect(401);
    await legacyLogin(v4, user.email, 'wrong').expect(401);
    expect((await legacyLogin(`::ffff:${v4}`, user.email, user.password)).status).to.equal(429);
  });
});
