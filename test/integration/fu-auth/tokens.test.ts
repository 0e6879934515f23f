import { expect } from 'chai';
import { SignJWT } from 'jose';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { manualClock } from '../../../src/lib/clock.js';
import { bearer, cookieLogin, createFuUser, jwtLogin } from '../../helpers/fu-auth.js';
import { useTestApp } from '../../helpers/test-deps.js';

/** Access tokens: the JWT edge cases of §2.1-2.2 and the database strategy of §2.5. */
describe('/fu_auth access tokens', () => {
  const clock = manualClock(new Date());
  const t = useTestApp({ clock });

  const me = (headers: Record<string, string>) =>
    request(t.app).get('/fu_auth/users/me').set(headers);
  const sign = (claims: Record<string, unknown>, options: { secret?: string; alg?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(options.secret ?? t.deps.config.fuAuth.jwtSecret));
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

  it('when the JWT is past its lifetime (manual clock), then 401; one second before, 200', async () => {
    const { email, password } = await createFuUser(t.deps);
    const token = await jwtLogin(t.app, email, password);
    clock.advance(3599 * 1000);
    try {
      expect((await me(bearer(token))).status).to.equal(200);
      clock.advance(1000);
      expect((await me(bearer(token))).status).to.equal(401);
    } finally {
      clock.advance(-3600 * 1000);
    }
  });

  it('when aud is a plain string, exp is absent, or sub has no hyphens, then the token is accepted', async () => {
    const { user } = await createFuUser(t.deps);
    for (const claims of [
      { sub: user.id, aud: 'fastapi-users:auth', exp: nowSeconds() + 60 },
      { sub: user.id, aud: ['fastapi-users:auth'] },
      { sub: user.id.replaceAll('-', ''), aud: ['other', 'fastapi-users:auth'] },
    ]) {
      expect((await me(bearer(await sign(claims)))).status, JSON.stringify(claims)).to.equal(200);
    }
  });

  it('when the audience is wrong or missing, the secret is wrong, sub is missing or unknown, then 401', async () => {
    const { user } = await createFuUser(t.deps);
    const exp = nowSeconds() + 60;
    const cases: [string, Promise<string>][] = [
      ['reset audience', sign({ sub: user.id, aud: 'fastapi-users:reset', exp })],
      ['no audience', sign({ sub: user.id, exp })],
      [
        'wrong secret',
        sign({ sub: user.id, aud: ['fastapi-users:auth'], exp }, { secret: 'x'.repeat(32) }),
      ],
      ['no sub', sign({ aud: ['fastapi-users:auth'], exp })],
      ['sub not a uuid', sign({ sub: 'admin', aud: ['fastapi-users:auth'], exp })],
      [
        'unknown user',
        sign({ sub: '5016eede-6493-48fb-b82b-f31a6ca7dd55', aud: ['fastapi-users:auth'], exp }),
      ],
      ['expired', sign({ sub: user.id, aud: ['fastapi-users:auth'], exp: nowSeconds() })],
      [
        'not yet valid (nbf)',
        sign({ sub: user.id, aud: ['fastapi-users:auth'], nbf: nowSeconds() + 60 }),
      ],
      [
        'issued in the future (iat)',
        sign({ sub: user.id, aud: ['fastapi-users:auth'], iat: nowSeconds() + 60 }),
      ],
      ['HS512', sign({ sub: user.id, aud: ['fastapi-users:auth'], exp }, { alg: 'HS512' })],
    ];
    for (const [what, token] of cases) {
      const res = await me(bearer(await token));
      expect(res.status, what).to.equal(401);
      expect(res.body).to.deep.equal({ detail: 'Unauthorized' });
    }
  });

  it('when the token is alg "none" (unsigned), then 401', async () => {
    const { user } = await createFuUser(t.deps);
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: user.id, aud: ['fastapi-users:auth'] })}.`;
    expect((await me(bearer(token))).status).to.equal(401);
  });

  it('when a database token is older than its lifetime, then 401 and the row is left in place', async () => {
    const { email, password } = await createFuUser(t.deps);
    const cookie = await cookieLogin(t.app, email, password);
    clock.advance(3600 * 1000);
    try {
      expect((await me({ cookie })).status).to.equal(200);
      clock.advance(1000);
      expect((await me({ cookie })).status).to.equal(401);
      const rows = await t.deps.sequelize.query(
        'SELECT 1 FROM fu_access_tokens WHERE token = :token',
        {
          type: QueryTypes.SELECT,
          replacements: { token: cookie.split('=')[1] },
        },
      );
      expect(rows).to.have.length(1);
    } finally {
      clock.advance(-3601 * 1000);
    }
  });

  it('when the cookie is empty or unknown, then 401', async () => {
    for (const cookie of [
      'fastapiusersauth=',
      'fastapiusersauth=""',
      'fastapiusersauth=unknown-token',
    ])
      expect((await me({ cookie })).status, cookie).to.equal(401);
  });

  it('when an invalid bearer comes with a valid cookie, then the cookie authenticates (first user found wins)', async () => {
    const { email, password } = await createFuUser(t.deps);
    const cookie = await cookieLogin(t.app, email, password);
    expect((await me({ cookie, authorization: 'Bearer invalid' })).status).to.equal(200);
  });

  // Upstream revokes nothing; this project ends the other database tokens (docs/engines.md,
  // "Sessions across engines"). A JWT cannot be ended: it lives until exp.
  it('when the password changes, then existing JWTs keep working (upstream) and other database tokens end', async () => {
    const { email, password } = await createFuUser(t.deps);
    const token = await jwtLogin(t.app, email, password);
    const cookie = await cookieLogin(t.app, email, password);
    await request(t.app)
      .patch('/fu_auth/users/me')
      .set(bearer(token))
      .send({ password: 'changed-pass-1' })
      .expect(200);
    expect((await me(bearer(token))).status).to.equal(200);
    expect((await me({ cookie })).status).to.equal(401);
  });
});
