import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { createLegacyUser } from '../../helpers/factories.js';
import { bearer, cookieLogin, createFuUser, jwtLogin, setCookies } from '../../helpers/fu-auth.js';
import { buildTestDeps, useTestApp } from '../../helpers/test-deps.js';

/** `/api/*` accepts a legacy session or any new-engine credential, all meaning the same person. */
describe('unified /api guard with new-engine credentials', () => {
  const t = useTestApp();

  async function credentials(email: string, password: string) {
    const facade = await request(t.app).post('/fu_auth/legacy/login').send({ email, password });
    const facadeCookie = setCookies(facade)[0]!.split(';')[0]!;
    return {
      'legacy session': { cookie: await legacySession(email, password) },
      'bearer JWT': bearer(await jwtLogin(t.app, email, password)),
      'fastapiusersauth cookie': { cookie: await cookieLogin(t.app, email, password) },
      'facade crm.sid=fu.… cookie': { cookie: facadeCookie },
    };
  }
  async function legacySession(email: string, password: string) {
    const res = await request(t.app).post('/auth/login').send({ email, password }).expect(200);
    return setCookies(res)[0]!.split(';')[0]!;
  }

  it('when the facade logs in, then its cookie is crm.sid with an fu. value and the legacy flags', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    const res = await request(t.app)
      .post('/fu_auth/legacy/login')
      .send({ email: legacy.email, password: legacy.password });
    const [cookie] = setCookies(res);
    expect(cookie).to.match(
      /^crm\.sid=fu\.[A-Za-z0-9_-]{43}; Path=\/; Expires=[^;]+ GMT; HttpOnly; SameSite=Lax$/,
    );
  });

  it('when each kind of credential is used, then /api/contacts sees the same owner (the legacy id)', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    const all = await credentials(legacy.email, legacy.password);
    const created = await request(t.app)
      .post('/api/contacts')
      .set(all['bearer JWT'])
      .send({ name: 'Shared' })
      .expect(201);
    expect(created.body.contact.owner_id).to.equal(legacy.id);
    for (const [kind, headers] of Object.entries(all)) {
      const res = await request(t.app).get('/api/contacts').set(headers);
      expect(res.status, kind).to.equal(200);
      expect(
        res.body.contacts.map((c: { id: number }) => c.id),
        kind,
      ).to.deep.equal([created.body.contact.id]);
    }
  });

  it('when a superuser uses any new-engine credential, then /api/admin/users lets them in; a plain user gets 403', async () => {
    const admin = await createFuUser(t.deps, { superuser: true });
    for (const [kind, headers] of Object.entries(await credentials(admin.email, admin.password)))
      expect((await request(t.app).get('/api/admin/users').set(headers)).status, kind).to.equal(
        200,
      );
    const plain = await createFuUser(t.deps);
    for (const [kind, headers] of Object.entries(await credentials(plain.email, plain.password))) {
      const res = await request(t.app).get('/api/admin/users').set(headers);
      expect(res.status, kind).to.equal(403);
      expect(res.body).to.deep.equal({ error: 'forbidden' });
    }
  });

  it('when the user is deactivated, then every new-engine credential stops opening /api', async () => {
    const { user, email, password } = await createFuUser(t.deps);
    const all = await credentials(email, password);
    await t.deps.fuAuth.deps.store().update(user, { isActive: false });
    for (const [kind, headers] of Object.entries(all)) {
      const res = await request(t.app).get('/api/contacts').set(headers);
      expect(res.status, kind).to.equal(401);
      expect(res.body).to.deep.equal({ error: 'not_authenticated' });
    }
  });

  it('when credentials are forged, then /api answers 401 not_authenticated', async () => {
    for (const headers of [
      bearer('forged'),
      { cookie: 'fastapiusersauth=forged' },
      { cookie: 'crm.sid=fu.forged' },
      { cookie: 'crm.sid=s%3Aforged.sig' },
    ]) {
      const res = await request(t.app).get('/api/contacts').set(headers);
      expect(res.status, JSON.stringify(headers)).to.equal(401);
    }
  });

  it('when a legacy engine session is sent to the facade, then it is honoured (portable sessions)', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    const cookie = await legacySession(legacy.email, legacy.password);
    const res = await request(t.app).get('/fu_auth/legacy/me').set('cookie', cookie);
    expect(res.status).to.equal(200);
    expect(res.body.user.id).to.equal(legacy.id);
  });

  it('when the facade session is older than SESSION_MAX_AGE_SECONDS, then it no longer authenticates', async () => {
    const short = buildTestDeps({ env: { SESSION_MAX_AGE_SECONDS: '1' } });
    try {
      const legacy = await createLegacyUser(short.sequelize);
      const shortApp = createApp(short);
      const res = await request(shortApp)
        .post('/fu_auth/legacy/login')
        .send({ email: legacy.email, password: legacy.password });
      const cookie = setCookies(res)[0]!.split(';')[0]!;
      await short.sequelize.query(
        `UPDATE fu_facade_sessions SET expires_at = now() - interval '1 second' WHERE token = :token`,
        { replacements: { token: cookie.slice('crm.sid=fu.'.length) } },
      );
      expect(
        (await request(shortApp).get('/fu_auth/legacy/me').set('cookie', cookie)).status,
      ).to.equal(401);
    } finally {
      await short.close();
    }
  });

  it('when the facade logs in again with a session, then the previous session is replaced', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    const agent = request.agent(t.app);
    const first = await agent
      .post('/fu_auth/legacy/login')
      .send({ email: legacy.email, password: legacy.password });
    const firstCookie = setCookies(first)[0]!.split(';')[0]!;
    await agent
      .post('/fu_auth/legacy/login')
      .send({ email: legacy.email, password: legacy.password });
    expect(
      (await request(t.app).get('/fu_auth/legacy/me').set('cookie', firstCookie)).status,
    ).to.equal(401);
    expect((await agent.get('/fu_auth/legacy/me')).status).to.equal(200);
  });

  it('when COOKIE_SECURE is on, then the facade cookie is Secure like the legacy one', async () => {
    const secure = buildTestDeps({ env: { COOKIE_SECURE: 'true' } });
    try {
      const legacy = await createLegacyUser(secure.sequelize);
      const res = await request(createApp(secure))
        .post('/fu_auth/legacy/login')
        .send({ email: legacy.email, password: legacy.password });
      expect(setCookies(res)[0]).to.match(/; HttpOnly; Secure; SameSite=Lax$/);
    } finally {
      await secure.close();
    }
  });
});
