import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { legacyContractSuite, portableSessionSuite } from '../contract/legacy-contract.js';
import { createLegacyUser } from '../helpers/factories.js';
import { buildTestDeps, useTestApp } from '../helpers/test-deps.js';

describe('legacy engine (/auth)', () => {
  const t = useTestApp();

  const target = {
    name: 'legacy engine',
    basePath: '/auth',
    app: () => t.app,
    sequelize: () => t.deps.sequelize,
  };
  legacyContractSuite(target);
  portableSessionSuite(target);

  const sessionRows = async (sid: string) =>
    (
      await t.deps.sequelize.query('SELECT sid FROM session WHERE sid = :sid', {
        type: QueryTypes.SELECT,
        replacements: { sid },
      })
    ).length;
  const sidOf = (cookie: string) =>
    decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!).slice(2).split('.')[0]!;

  it('when a user logs in, then a session row is written; when they log out, it is removed', async () => {
    const u = await createLegacyUser(t.deps.sequelize);
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email: u.email, password: u.password })
      .expect(200);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]!;
    expect(await sessionRows(sidOf(cookie))).to.equal(1);
    await request(t.app).post('/auth/logout').set('cookie', cookie.split(';')[0]!).expect(204);
    expect(await sessionRows(sidOf(cookie))).to.equal(0);
  });

  it('when the t.app restarts, then an existing session still works (sessions live in PostgreSQL)', async () => {
    const u = await createLegacyUser(t.deps.sequelize);
    const first = buildTestDeps();
    const res = await request(createApp(first))
      .post('/auth/login')
      .send({ email: u.email, password: u.password })
      .expect(200);
    await first.close();
    const second = buildTestDeps();
    try {
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
      const me = await request(createApp(second)).get('/auth/me').set('cookie', cookie);
      expect(me.status).to.equal(200);
      expect(me.body.user.id).to.equal(u.id);
    } finally {
      await second.close();
    }
  });

  it('when COOKIE_SECURE is on, then the session cookie is Secure (behind an HTTPS proxy)', async () => {
    const secure = buildTestDeps({ env: { COOKIE_SECURE: 'true' } });
    try {
      const u = await createLegacyUser(secure.sequelize);
      const res = await request(createApp(secure))
        .post('/auth/login')
        .set('x-forwarded-proto', 'https')
        .send({ email: u.email, password: u.password })
        .expect(200);
      expect(([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]).to.match(/; Secure/);
    } finally {
      await secure.close();
    }
  });

  it('when a logged-in account is disabled, then its session stops authenticating', async () => {
    const u = await createLegacyUser(t.deps.sequelize);
    const agent = request.agent(t.app);
    await agent.post('/auth/login').send({ email: u.email, password: u.password }).expect(200);
    await t.deps.legacyUsers.setActive(u.id, false);
    expect((await agent.get('/auth/me')).status).to.equal(401);
  });

  it('when the database fails mid-request, then 500 {"error":"internal_error"} with no stack', async () => {
    const broken = buildTestDeps();
    await broken.sequelize.close();
    try {
      const res = await request(createApp(broken))
        .post('/auth/register')
        .send({ email: 'x@example.com', password: 'long-enough-1' });
      expect(res.status).to.equal(500);
      expect(res.body).to.deep.equal({ error: 'internal_error' });
    } finally {
      await broken.close();
    }
  });
});
