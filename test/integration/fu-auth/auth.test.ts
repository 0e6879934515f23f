import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import type { AppDeps } from '../../../src/deps.js';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import {
  bearer,
  cookieLogin,
  createFuUser,
  jwtLogin,
  jwtPayload,
  setCookies,
} from '../../helpers/fu-auth.js';
import { buildTestDeps, useTestApp } from '../../helpers/test-deps.js';

describe('/fu_auth auth routes (contract rows A1-A4)', () => {
  const t = useTestApp();

  const storedHash = async (id: string) =>
    (
      await t.deps.sequelize.query<{ hashed_password: string }>(
        'SELECT hashed_password FROM fu_users WHERE id = :id',
        { type: QueryTypes.SELECT, replacements: { id } },
      )
    )[0]!.hashed_password;

  describe('POST /jwt/login', () => {
    it('when the form is right, then 200 {access_token, token_type:"bearer"} with an HS256 JWT whose aud is an array', async () => {
      const { user, email, password } = await createFuUser(t.deps);
      const res = await request(t.app)
        .post('/fu_auth/jwt/login')
        .type('form')
        .send({ username: email, password });
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('application/json');
      expect(Object.keys(res.body)).to.deep.equal(['access_token', 'token_type']);
      expect(res.body.token_type).to.equal('bearer');
      const [header] = (res.body.access_token as string).split('.');
      expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).to.deep.equal({
        alg: 'HS256',
        typ: 'JWT',
      });
      const payload = jwtPayload(res.body.access_token);
      expect(Object.keys(payload)).to.deep.equal(['sub', 'aud', 'exp']);
      expect(payload.sub).to.equal(user.id);
      expect(payload.aud).to.deep.equal(['fastapi-users:auth']);
      expect(payload.exp).to.be.a('number');
    });

    it('when the body is multipart/form-data, then it logs in too', async () => {
      const { email, password } = await createFuUser(t.deps);
      const res = await request(t.app)
        .post('/fu_auth/jwt/login')
        .field('username', email)
        .field('password', password);
      expect(res.status).to.equal(200);
    });

    it('when the username differs only by case, then it logs in (case-insensitive lookup)', async () => {
      const { email, password } = await createFuUser(t.deps);
      await jwtLogin(t.app, email.toUpperCase(), password);
    });

    const badCredentials: [string, () => Promise<{ username: string; password: string }>][] = [
      ['the e-mail is unknown', async () => ({ username: uniqueEmail('nobody'), password: 'x' })],
      [
        'the password is wrong',
        async () => ({ username: (await createFuUser(t.deps)).email, password: 'wrong-password' }),
      ],
      [
        'the user is inactive (even with the right password)',
        async () => {
          const f = await createFuUser(t.deps, { active: false });
          return { username: f.email, password: f.password };
        },
      ],
      [
        'the username has surrounding spaces (not trimmed)',
        async () => {
          const f = await createFuUser(t.deps);
          return { username: ` ${f.email} `, password: f.password };
        },
      ],
      [
        'the stored hash is NULL in the legacy table',
        async () => {
          const u = await createLegacyUser(t.deps.sequelize, { hash: 'none' });
          return { username: u.email, password: u.password };
        },
      ],
      [
        'the stored hash is in an unknown format (upstream: 500)',
        async () => {
          const u = await createLegacyUser(t.deps.sequelize, { hash: 'unknown' });
          return { username: u.email, password: u.password };
        },
      ],
    ];
    for (const [when, form] of badCredentials) {
      it(`when ${when}, then 400 {"detail":"LOGIN_BAD_CREDENTIALS"}`, async () => {
        const res = await request(t.app)
          .post('/fu_auth/jwt/login')
          .type('form')
          .send(await form());
        expect(res.status).to.equal(400);
        expect(res.text).to.equal('{"detail":"LOGIN_BAD_CREDENTIALS"}');
      });
    }

    it('when the fu_users hash has an unknown format, then 400 LOGIN_BAD_CREDENTIALS, never 500', async () => {
      const { user, email, password } = await createFuUser(t.deps);
      await t.deps.sequelize.query(
        `UPDATE fu_users SET hashed_password = '!DISABLED!' WHERE id = :id`,
        {
          replacements: { id: user.id },
        },
      );
      const res = await request(t.app)
        .post('/fu_auth/jwt/login')
        .type('form')
        .send({ username: email, password });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });
    });

    const invalidForms: [string, () => request.Test, string[][]][] = [
      [
        'the password is missing',
        () => form({ username: 'a@example.com' }),
        [['body', 'password']],
      ],
      [
        'the username is empty',
        () => form({ username: '', password: 'x' }),
        [['body', 'username']],
      ],
      [
        'the body is JSON instead of a form',
        () =>
          request(t.app)
            .post('/fu_auth/jwt/login')
            .send({ username: 'a@example.com', password: 'x' }),
        [
          ['body', 'username'],
          ['body', 'password'],
        ],
      ],
      [
        'grant_type is not "password"',
        () => form({ username: 'a@example.com', password: 'x', grant_type: 'client_credentials' }),
        [['body', 'grant_type']],
      ],
    ];
    function form(fields: Record<string, string>) {
      return request(t.app).post('/fu_auth/jwt/login').type('form').send(fields);
    }
    for (const [when, send, locs] of invalidForms) {
      it(`when ${when}, then 422 with pydantic-shaped details`, async () => {
        const res = await send();
        expect(res.status).to.equal(422);
        expect(res.body.detail).to.be.an('array').that.is.not.empty;
        for (const issue of res.body.detail) expect(issue).to.include.keys('type', 'loc', 'msg');
        expect(res.body.detail.map((i: { loc: string[] }) => i.loc)).to.deep.equal(locs);
      });
    }

    it("when grant_type is wrong, then the issue is string_pattern_mismatch with pydantic's message", async () => {
      const res = await form({ username: 'a@example.com', password: 'x', grant_type: 'nope' });
      expect(res.body.detail[0]).to.include({
        type: 'string_pattern_mismatch',
        msg: "String should match pattern '^password$'",
      });
    });

    it('when grant_type is "password" and scope/client fields are sent, then they are accepted and ignored', async () => {
      const { email, password } = await createFuUser(t.deps);
      const res = await form({
        username: email,
        password,
        grant_type: 'password',
        scope: 'a b',
        client_id: 'c',
        client_secret: 's',
      });
      expect(res.status).to.equal(200);
    });

    it('when the method is GET, then 405 {"detail":"Method Not Allowed"}', async () => {
      const res = await request(t.app).get('/fu_auth/jwt/login');
      expect(res.status).to.equal(405);
      expect(res.text).to.equal('{"detail":"Method Not Allowed"}');
      expect(res.headers.allow).to.equal('POST');
    });

    it('when the stored hash is bcrypt, then a login rehashes it to argon2id with the configured parameters', async () => {
      const { user, email, password } = await createFuUser(t.deps);
      const bcryptHash = await t.deps.hasher.hashLegacy(password);
      await t.deps.fuAuth.deps.store().update(user, { hashedPassword: bcryptHash });
      await jwtLogin(t.app, email, password);
      expect(await storedHash(user.id)).to.match(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    });

    it('when the stored hash is argon2 with other parameters, then a login upgrades it; a current one is kept', async () => {
      const { user, email, password } = await createFuUser(t.deps);
      const current = await storedHash(user.id);
      await jwtLogin(t.app, email, password);
      expect(await storedHash(user.id)).to.equal(current);
      const other = buildTestDeps({ env: { ARGON2_MEMORY_KIB: '2048' } });
      try {
        await jwtLogin(createApp(other), email, password);
        expect(await storedHash(user.id)).to.match(/^\$argon2id\$v=19\$m=2048,t=1,p=1\$/);
      } finally {
        await other.close();
      }
    });
  });

  describe('POST /cookie/login', () => {
    it('when the form is right, then 204 with no body and the exact fastapiusersauth Set-Cookie (Starlette order)', async () => {
      const { email, password } = await createFuUser(t.deps);
      const res = await request(t.app)
        .post('/fu_auth/cookie/login')
        .type('form')
        .send({ username: email, password });
      expect(res.status).to.equal(204);
      expect(res.text).to.equal('');
      expect(res.headers['content-type']).to.equal(undefined);
      const [cookie] = setCookies(res);
      expect(cookie).to.match(
        /^fastapiusersauth=[A-Za-z0-9_-]{43}; HttpOnly; Max-Age=3600; Path=\/; SameSite=lax$/,
      );
      const token = cookie!.split(';')[0]!.split('=')[1]!;
      const [row] = await t.deps.sequelize.query(
        'SELECT * FROM fu_access_tokens WHERE token = :token',
        {
          type: QueryTypes.SELECT,
          replacements: { token },
        },
      );
      expect(row).to.not.equal(undefined);
    });

    it('when FU_COOKIE_SECURE is on (the default), then the cookie ends with "; Secure"', async () => {
      const secure = buildTestDeps({
        env: { FU_COOKIE_SECURE: 'true', FU_COOKIE_MAX_AGE_SECONDS: '60' },
      });
      try {
        const { email, password } = await createFuUser(secure);
        const res = await request(createApp(secure))
          .post('/fu_auth/cookie/login')
          .type('form')
          .send({ username: email, password });
        expect(setCookies(res)[0]).to.match(
          /; HttpOnly; Max-Age=60; Path=\/; SameSite=lax; Secure$/,
        );
      } finally {
        await secure.close();
      }
    });

    it('when each login happens, then each gets its own token (several sessions at once)', async () => {
      const { email, password } = await createFuUser(t.deps);
      const first = await cookieLogin(t.app, email, password);
      const second = await cookieLogin(t.app, email, password);
      expect(first).to.not.equal(second);
      for (const cookie of [first, second])
        await request(t.app).get('/fu_auth/users/me').set('cookie', cookie).expect(200);
    });

    it('when the password is wrong, then 400 LOGIN_BAD_CREDENTIALS and no cookie', async () => {
      const { email } = await createFuUser(t.deps);
      const res = await request(t.app)
        .post('/fu_auth/cookie/login')
        .type('form')
        .send({ username: email, password: 'nope' });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });
      expect(setCookies(res)).to.deep.equal([]);
    });
  });

  describe('POST /jwt/logout and /cookie/logout', () => {
    it('when a bearer logs out, then 204 empty with no Set-Cookie, and the JWT still works (not revocable)', async () => {
      const { email, password } = await createFuUser(t.deps);
      const token = await jwtLogin(t.app, email, password);
      const res = await request(t.app)
        .post('/fu_auth/jwt/logout')
        .set(bearer(token))
        .send({ any: 1 });
      expect(res.status).to.equal(204);
      expect(res.text).to.equal('');
      expect(res.headers['set-cookie']).to.equal(undefined);
      await request(t.app).get('/fu_auth/users/me').set(bearer(token)).expect(200);
    });

    it('when a cookie logs out, then 204 with the exact deletion cookie and the token row is gone', async () => {
      const { email, password } = await createFuUser(t.deps);
      const cookie = await cookieLogin(t.app, email, password);
      const res = await request(t.app).post('/fu_auth/cookie/logout').set('cookie', cookie);
      expect(res.status).to.equal(204);
      expect(setCookies(res)).to.deep.equal([
        'fastapiusersauth=""; HttpOnly; Max-Age=0; Path=/; SameSite=lax',
      ]);
      const me = await request(t.app).get('/fu_auth/users/me').set('cookie', cookie);
      expect(me.status).to.equal(401);
    });

    it('when /jwt/logout is called with the cookie credential, then 204 (any backend authenticates)', async () => {
      const { email, password } = await createFuUser(t.deps);
      const cookie = await cookieLogin(t.app, email, password);
      await request(t.app).post('/fu_auth/jwt/logout').set('cookie', cookie).expect(204);
    });

    it('when /cookie/logout is called with a bearer JWT, then 204 and the deletion cookie anyway', async () => {
      const { email, password } = await createFuUser(t.deps);
      const token = await jwtLogin(t.app, email, password);
      const res = await request(t.app).post('/fu_auth/cookie/logout').set(bearer(token));
      expect(res.status).to.equal(204);
      expect(setCookies(res)[0]).to.match(/^fastapiusersauth=""; HttpOnly; Max-Age=0/);
    });

    for (const backend of ['jwt', 'cookie']) {
      it(`when /${backend}/logout has no credential, then 401 {"detail":"Unauthorized"} without WWW-Authenticate`, async () => {
        const res = await request(t.app).post(`/fu_auth/${backend}/logout`);
        expect(res.status).to.equal(401);
        expect(res.text).to.equal('{"detail":"Unauthorized"}');
        expect(res.headers['www-authenticate']).to.equal(undefined);
      });
    }

    it('when the user was deactivated after login, then logout is 401', async () => {
      const { user, email, password } = await createFuUser(t.deps);
      const token = await jwtLogin(t.app, email, password);
      await t.deps.fuAuth.deps.store().update(user, { isActive: false });
      expect((await request(t.app).post('/fu_auth/jwt/logout').set(bearer(token))).status).to.equal(
        401,
      );
    });
  });

  describe('with FU_REQUIRES_VERIFICATION on', () => {
    let strict: AppDeps;
    let strictApp: ReturnType<typeof createApp>;
    before(() => {
      strict = buildTestDeps({ env: { FU_REQUIRES_VERIFICATION: 'true' } });
      strictApp = createApp(strict);
    });
    after(() => strict.close());

    it('when an unverified user gives the right password, then 400 LOGIN_USER_NOT_VERIFIED', async () => {
      const { email, password } = await createFuUser(strict);
      const res = await request(strictApp)
        .post('/fu_auth/jwt/login')
        .type('form')
        .send({ username: email, password });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({ detail: 'LOGIN_USER_NOT_VERIFIED' });
    });

    it('when an unverified user gives a wrong password, then 400 LOGIN_BAD_CREDENTIALS (not revealed)', async () => {
      const { email } = await createFuUser(strict);
      const res = await request(strictApp)
        .post('/fu_auth/jwt/login')
        .type('form')
        .send({ username: email, password: 'wrong' });
      expect(res.body).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });
    });

    it('when an inactive unverified user gives the right password, then LOGIN_BAD_CREDENTIALS', async () => {
      const { email, password } = await createFuUser(strict, { active: false });
      const res = await request(strictApp)
        .post('/fu_auth/jwt/login')
        .type('form')
        .send({ username: email, password });
      expect(res.body).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });
    });

    it('when a token of a user who is no longer verified is used, then logout and /users/me are 403', async () => {
      const { user, email, password } = await createFuUser(strict, { verified: true });
      const token = await jwtLogin(strictApp, email, password);
      await strict.fuAuth.deps.store().update(user, { isVerified: false });
      const logout = await request(strictApp).post('/fu_auth/jwt/logout').set(bearer(token));
      expect(logout.status).to.equal(403);
      expect(logout.text).to.equal('{"detail":"Forbidden"}');
      expect(
        (await request(strictApp).get('/fu_auth/users/me').set(bearer(token))).status,
      ).to.equal(403);
    });
  });
});
