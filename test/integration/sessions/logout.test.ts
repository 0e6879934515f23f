import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createLegacyUser } from '../../helpers/factories.js';
import {
  CLOSED,
  combine,
  mintCredential,
  OPEN,
  opens,
  setCookieFor,
} from '../../helpers/sessions.js';
import { useTestApp } from '../../helpers/test-deps.js';

/**
 * Logout on either engine ends every session credential the request carries (express-session
 * row, facade row, access-token row) and clears `crm.sid` and `authshift_route` (docs/engines.md).
 */
describe('logout across engines', () => {
  const t = useTestApp();
  const count = async (sql: string, replacements: Record<string, unknown>) => {
    const [row] = await t.deps.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n ${sql}`, {
      type: QueryTypes.SELECT,
      replacements,
    });
    return row!.n;
  };
  const rowsOf = async (legacyUserId: number) => ({
    legacy: await count(`FROM session WHERE sess->'passport'->>'user' = :id`, {
      id: String(legacyUserId),
    }),
    facade: await count('FROM fu_facade_sessions WHERE legacy_user_id = :id', {
      id: legacyUserId,
    }),
    tokens: await count(
      'FROM fu_access_tokens t JOIN fu_users f ON f.id = t.user_id WHERE f.legacy_user_id = :id',
      { id: legacyUserId },
    ),
  });

  for (const [engine, base] of [
    ['legacy engine', '/auth'],
    ['facade', '/fu_auth/legacy'],
  ] as const) {
    it(`when a request carrying a facade session and a fastapiusersauth cookie logs out on the ${engine}, then both rows are gone and crm.sid, authshift_route and fastapiusersauth are cleared`, async () => {
      const u = await createLegacyUser(t.deps.sequelize);
      const facade = await mintCredential(t.app, 'facade session', u.email, u.password);
      const cookie = await mintCredential(t.app, 'fastapiusersauth cookie', u.email, u.password);
      expect(await rowsOf(u.id)).to.deep.equal({ legacy: 0, facade: 1, tokens: 1 });
      const res = await request(t.app).post(`${base}/logout`).set(combine(facade, cookie));
      expect(res.status).to.equal(204);
      expect(await rowsOf(u.id)).to.deep.equal({ legacy: 0, facade: 0, tokens: 0 });
      expect(setCookieFor(res, 'crm.sid')).to.match(/^crm\.sid=;/);
      expect(setCookieFor(res, 'authshift_route')).to.match(/^authshift_route=;/);
      expect(setCookieFor(res, 'fastapiusersauth')).to.match(/^fastapiusersauth="";.*Max-Age=0/);
      expect(await opens(t.app, 'facade session', facade)).to.deep.equal(CLOSED('facade session'));
      expect(await opens(t.app, 'fastapiusersauth cookie', cookie)).to.deep.equal(
        CLOSED('fastapiusersauth cookie'),
      );
    });

    it(`when a request carrying a legacy session and a fastapiusersauth cookie logs out on the ${engine}, then the session row and the token row are gone`, async () => {
      const u = await createLegacyUser(t.deps.sequelize);
      const legacy = await mintCredential(t.app, 'legacy session', u.email, u.password);
      const cookie = await mintCredential(t.app, 'fastapiusersauth cookie', u.email, u.password);
      expect(await rowsOf(u.id)).to.deep.equal({ legacy: 1, facade: 0, tokens: 1 });
      await request(t.app).post(`${base}/logout`).set(combine(legacy, cookie)).expect(204);
      expect(await rowsOf(u.id)).to.deep.equal({ legacy: 0, facade: 0, tokens: 0 });
    });

    it(`when only a bearer JWT logs out on the ${engine}, then 204 and the JWT still works (it lives until exp)`, async () => {
      const u = await createLegacyUser(t.deps.sequelize);
      const jwt = await mintCredential(t.app, 'bearer JWT', u.email, u.password);
      await request(t.app).post(`${base}/logout`).set(jwt).expect(204);
      expect(await opens(t.app, 'bearer JWT', jwt)).to.deep.equal(OPEN('bearer JWT'));
    });
  }

  it('when a session is made on one engine and logged out on the other, then the first engine answers 401', async () => {
    for (const [mint, logout, me] of [
      ['legacy session', '/fu_auth/legacy/logout', '/auth/me'],
      ['facade session', '/auth/logout', '/fu_auth/legacy/me'],
    ] as const) {
      const u = await createLegacyUser(t.deps.sequelize);
      const headers = await mintCredential(t.app, mint, u.email, u.password);
      await request(t.app).get(me).set(headers).expect(200);
      await request(t.app).post(logout).set(headers).expect(204);
      const after = await request(t.app).get(me).set(headers);
      expect(after.status, mint).to.equal(401);
      expect(after.body).to.deep.equal({ error: 'not_authenticated' });
    }
  });

  it('when malformed session cookies ride along with a good credential, then logout and credential changes still answer (never 500)', async () => {
    const u = await createLegacyUser(t.deps.sequelize);
    const jwt = await mintCredential(t.app, 'bearer JWT', u.email, u.password);
    const junk = { cookie: 'crm.sid=fu.%00%22x; fastapiusersauth=%00' };
    await request(t.app)
      .patch('/fu_auth/users/me')
      .set(combine(jwt, junk))
      .send({ password: 'after-junk-1' })
      .expect(200);
    await request(t.app)
      .post('/auth/change-password')
      .set(combine(jwt, junk))
      .send({ current_password: 'after-junk-1', new_password: 'after-junk-2' })
      .expect(204);
    await request(t.app).post('/fu_auth/legacy/logout').set(combine(jwt, junk)).expect(204);
  });

  it('when the other session credentials of the same person are not in the request, then a logout leaves them alone', async () => {
    const u = await createLegacyUser(t.deps.sequelize);
    const legacy = await mintCredential(t.app, 'legacy session', u.email, u.password);
    const facade = await mintCredential(t.app, 'facade session', u.email, u.password);
    await request(t.app).post('/auth/logout').set(legacy).expect(204);
    expect(await opens(t.app, 'facade session', facade)).to.deep.equal(OPEN('facade session'));
  });
});
