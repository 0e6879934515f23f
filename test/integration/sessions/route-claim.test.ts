import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { DEV_SECRETS } from '../../../src/lib/contracts/dev-secrets.js';
import { signRouteClaim, verifyRouteClaim } from '../../../src/lib/contracts/route-claim.js';
import { canonicalEmail } from '../../../src/lib/identity/canonical-email.js';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { mintCredential, setCookieFor, type Headers } from '../../helpers/sessions.js';
import { buildTestDeps, useTestApp } from '../../helpers/test-deps.js';

const PREVIOUS = 'previous-routing-secret-0123456789';
const TTL = 600;
const now = () => Math.floor(Date.now() / 1000);

/**
 * The routing claim, monolith side (docs/engines.md, "Sessions across engines"): `authshift_route` is set on
 * every login and register response of both engines, refreshed on authenticated responses when
 * it is missing, past half its life or names another e-mail, and cleared on logout.
 */
describe('routing claim cookie (authshift_route)', () => {
  const t = useTestApp({
    env: { ROUTING_SECRET_PREVIOUS: PREVIOUS, ROUTING_CLAIM_TTL_SECONDS: String(TTL) },
  });

  /** The claim a response set, verified with the current secret only. */
  function claimOf(res: request.Response) {
    const cookie = setCookieFor(res, 'authshift_route');
    expect(cookie, 'an authshift_route cookie').to.be.a('string');
    const value = cookie!.split(';')[0]!.slice('authshift_route='.length);
    return { cookie: cookie!, claim: verifyRouteClaim([DEV_SECRETS.ROUTING_SECRET], value, now()) };
  }
  function expectClaimFor(res: request.Response, email: string) {
    const { cookie, claim } = claimOf(res);
    expect(claim, 'a claim signed with ROUTING_SECRET').not.to.equal(null);
    expect(claim!.email).to.equal(canonicalEmail(email));
    expect(claim!.expires).to.be.within(now() + TTL - 5, now() + TTL + 1);
    expect(cookie).to.match(/; Max-Age=600(;|$)/);
    expect(cookie).to.match(/; Path=\//);
    expect(cookie).to.match(/; HttpOnly/);
    expect(cookie).to.match(/; SameSite=Lax/);
    expect(cookie).not.to.match(/; Secure/);
  }
  const routeCookie = (
    email: string,
    expires: number,
    secret: string = DEV_SECRETS.ROUTING_SECRET,
  ) => `authshift_route=${signRouteClaim(secret, { email: canonicalEmail(email), expires })}`;
  const withClaim = (headers: Headers, claim: string): Headers => ({
    ...headers,
    cookie: headers.cookie ? `${headers.cookie}; ${claim}` : claim,
  });

  describe('set on every login and register response', () => {
    it('when a user logs in on either engine, with the cookie or the JWT backend, then the response carries a claim for the canonical e-mail', async () => {
      const u = await createLegacyUser(t.deps.sequelize, { email: uniqueEmail('Mixed.Case') });
      const logins = [
        request(t.app).post('/auth/login').send({ email: u.email, password: u.password }),
        request(t.app).post('/fu_auth/legacy/login').send({ email: u.email, password: u.password }),
        request(t.app)
          .post('/fu_auth/cookie/login')
          .type('form')
          .send({ username: u.email, password: u.password }),
        request(t.app)
          .post('/fu_auth/jwt/login')
          .type('form')
          .send({ username: u.email, password: u.password }),
      ];
      for (const res of await Promise.all(logins)) {
        expect(res.status).to.be.oneOf([200, 204]);
        expectClaimFor(res, u.email);
      }
    });

    it('when the session cookie is set, then it comes first and the claim after it', async () => {
      const u = await createLegacyUser(t.deps.sequelize);
      for (const path of ['/auth/login', '/fu_auth/legacy/login']) {
        const res = await request(t.app).post(path).send({ email: u.email, password: u.password });
        const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
        expect(
          cookies.map((c) => c.split('=')[0]),
          path,
        ).to.deep.equal(['crm.sid', 'authshift_route']);
      }
    });

    it('when someone registers on either engine, then the response carries a claim', async () => {
      for (const path of ['/auth/register', '/fu_auth/legacy/register']) {
        const email = uniqueEmail('Reg');
        const res = await request(t.app).post(path).send({ email, password: 'long-enough-1' });
        expect(res.status, path).to.equal(201);
        expectClaimFor(res, email);
      }
    });

    it('when a login fails, then no claim is set', async () => {
      const u = await createLegacyUser(t.deps.sequelize);
      for (const path of ['/auth/login', '/fu_auth/legacy/login']) {
        const res = await request(t.app).post(path).send({ email: u.email, password: 'wrong!' });
        expect(res.status).to.equal(401);
        expect(setCookieFor(res, 'authshift_route')).to.equal(undefined);
      }
    });
  });

  describe('refreshed on authenticated responses', () => {
    const authenticated = [
      ['GET /auth/me', 'legacy session', (h: Headers) => request(t.app).get('/auth/me').set(h)],
      [
        'GET /fu_auth/legacy/me',
        'facade session',
        (h: Headers) => request(t.app).get('/fu_auth/legacy/me').set(h),
      ],
      [
        'GET /api/contacts',
        'bearer JWT',
        (h: Headers) => request(t.app).get('/api/contacts').set(h),
      ],
      [
        'GET /fu_auth/users/me',
        'fastapiusersauth cookie',
        (h: Headers) => request(t.app).get('/fu_auth/users/me').set(h),
      ],
    ] as const;

    for (const [route, kind, send] of authenticated) {
      it(`when ${route} is answered for a ${kind} without a claim, then a claim is set; with a fresh one, none is`, async () => {
        const u = await createLegacyUser(t.deps.sequelize);
        const headers = await mintCredential(t.app, kind, u.email, u.password);
        const missing = await send(headers);
        expect(missing.status).to.equal(200);
        expectClaimFor(missing, u.email);
        const fresh = await send(withClaim(headers, routeCookie(u.email, now() + TTL - 10)));
        expect(fresh.status).to.equal(200);
        expect(setCookieFor(fresh, 'authshift_route')).to.equal(undefined);
      });
    }

    const stale: [string, (email: string) => string][] = [
      ['has less than half its life left', (email) => routeCookie(email, now() + TTL / 2 - 5)],
      ['names another e-mail', () => routeCookie(uniqueEmail('someone-else'), now() + TTL)],
      ['is signed with ROUTING_SECRET_PREVIOUS', (e) => routeCookie(e, now() + TTL, PREVIOUS)],
      ['is forged', (email) => `${routeCookie(email, now() + TTL).slice(0, -2)}xx`],
      ['has expired', (email) => routeCookie(email, now() - 1)],
    ];
    for (const [when, claim] of stale) {
      it(`when the claim ${when}, then an authenticated response replaces it`, async () => {
        const u = await createLegacyUser(t.deps.sequelize);
        const headers = await mintCredential(t.app, 'legacy session', u.email, u.password);
        const res = await request(t.app)
          .get('/auth/me')
          .set(withClaim(headers, claim(u.email)));
        expect(res.status).to.equal(200);
        expectClaimFor(res, u.email);
      });
    }

    it('when PATCH /fu_auth/users/me changes the e-mail, then the claim names the new address', async () => {
      const u = await createLegacyUser(t.deps.sequelize);
      const headers = await mintCredential(t.app, 'bearer JWT', u.email, u.password);
      const email = uniqueEmail('New.Address');
      const res = await request(t.app)
        .patch('/fu_auth/users/me')
        .set(withClaim(headers, routeCookie(u.email, now() + TTL)))
        .send({ email });
      expect(res.status).to.equal(200);
      expectClaimFor(res, email);
    });

    it('when a request is not authenticated, then no claim is set', async () => {
      for (const path of ['/auth/me', '/fu_auth/legacy/me', '/api/contacts', '/fu_auth/users/me']) {
        const res = await request(t.app).get(path);
        expect(res.status, path).to.equal(401);
        expect(setCookieFor(res, 'authshift_route'), path).to.equal(undefined);
      }
    });
  });

  it('when a user logs out on either engine, then the claim is cleared', async () => {
    const u = await createLegacyUser(t.deps.sequelize);
    for (const [path, kind] of [
      ['/auth/logout', 'legacy session'],
      ['/fu_auth/legacy/logout', 'facade session'],
    ] as const) {
      const headers = await mintCredential(t.app, kind, u.email, u.password);
      const res = await request(t.app)
        .post(path)
        .set(withClaim(headers, routeCookie(u.email, now() + TTL)));
      expect(res.status).to.equal(204);
      expect(setCookieFor(res, 'authshift_route')).to.match(
        /^authshift_route=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/,
      );
    }
  });

  it('when a user logs out of /fu_auth with the cookie or the JWT backend, then the claim is cleared too', async () => {
    const u = await createLegacyUser(t.deps.sequelize);
    for (const [path, kind] of [
      ['/fu_auth/cookie/logout', 'fastapiusersauth cookie'],
      ['/fu_auth/jwt/logout', 'bearer JWT'],
    ] as const) {
      const headers = await mintCredential(t.app, kind, u.email, u.password);
      const res = await request(t.app)
        .post(path)
        .set(withClaim(headers, routeCookie(u.email, now() + TTL)));
      expect(res.status, path).to.equal(204);
      expect(setCookieFor(res, 'authshift_route'), path).to.match(
        /^authshift_route=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/,
      );
    }
  });

  it('when COOKIE_SECURE is on, then the claim is Secure like the session cookie', async () => {
    const secure = buildTestDeps({ env: { COOKIE_SECURE: 'true' } });
    try {
      const u = await createLegacyUser(secure.sequelize);
      const res = await request(createApp(secure))
        .post('/fu_auth/legacy/login')
        .send({ email: u.email, password: u.password });
      expect(setCookieFor(res, 'authshift_route')).to.match(/; Secure/);
    } finally {
      await secure.close();
    }
  });
});
