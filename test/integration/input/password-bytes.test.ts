/**
 * bcrypt reads only the first 72 bytes of a password, argon2 reads all of them: one account had two
 * password rules depending on the engine. A password over 72 bytes (UTF-8) is refused wherever one
 * is set, on both engines with the same message, and never matches a bcrypt hash at login. Users
 * whose argon2 hash already covers a longer password still log in.
 */
import { expect } from 'chai';
import request from 'supertest';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { createFuUser, jwtLogin, outboxFor, tokenIn, bearer } from '../../helpers/fu-auth.js';
import { useTestApp } from '../../helpers/test-deps.js';

const REASON = 'Password should be at most 72 bytes';
const AT_LIMIT = 'p'.repeat(70) + 'é'; // 72 bytes, 71 characters
const OVER = 'p'.repeat(71) + 'é'; // 73 bytes, 72 characters
const EUROS = '€'.repeat(25); // 75 bytes, 25 characters

describe('passwords over 72 bytes', () => {
  const t = useTestApp();

  describe('are refused where a password is set', () => {
    for (const prefix of ['/auth', '/fu_auth/legacy']) {
      it(`when ${prefix}/register gets 73 or 75 bytes, then 422 too_long, and 72 bytes register`, async () => {
        for (const password of [OVER, EUROS]) {
          const res = await request(t.app)
            .post(`${prefix}/register`)
            .send({ email: uniqueEmail('long'), password });
          expect(res.status).to.equal(422);
          expect(res.body).to.deep.equal({
            error: 'validation_failed',
            fields: { password: 'too_long' },
          });
        }
        await request(t.app)
          .post(`${prefix}/register`)
          .send({ email: uniqueEmail('at-limit'), password: AT_LIMIT })
          .expect(201);
      });

      it(`when ${prefix}/change-password gets a new password over 72 bytes, then 422 too_long`, async () => {
        const u = await createLegacyUser(t.deps.sequelize);
        const agent = request.agent(t.app);
        await agent
          .post(`${prefix}/login`)
          .send({ email: u.email, password: u.password })
          .expect(200);
        const res = await agent
          .post(`${prefix}/change-password`)
          .send({ current_password: u.password, new_password: OVER });
        expect(res.status).to.equal(422);
        expect(res.body).to.deep.equal({
          error: 'validation_failed',
          fields: { new_password: 'too_long' },
        });
      });
    }

    it('when /fu_auth/register gets 73 bytes, then 400 REGISTER_INVALID_PASSWORD with the same message', async () => {
      const res = await request(t.app)
        .post('/fu_auth/register')
        .send({ email: uniqueEmail('fu-long'), password: EUROS });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({
        detail: { code: 'REGISTER_INVALID_PASSWORD', reason: REASON },
      });
      await request(t.app)
        .post('/fu_auth/register')
        .send({ email: uniqueEmail('fu-at-limit'), password: AT_LIMIT })
        .expect(201);
    });

    it('when PATCH /fu_auth/users/me sets 73 bytes, then 400 UPDATE_USER_INVALID_PASSWORD', async () => {
      const { email, password } = await createFuUser(t.deps);
      const token = await jwtLogin(t.app, email, password);
      const res = await request(t.app)
        .patch('/fu_auth/users/me')
        .set(bearer(token))
        .send({ password: OVER });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({
        detail: { code: 'UPDATE_USER_INVALID_PASSWORD', reason: REASON },
      });
    });

    it('when /fu_auth/reset-password sets 73 bytes, then 400 RESET_PASSWORD_INVALID_PASSWORD', async () => {
      const { email } = await createFuUser(t.deps);
      await request(t.app).post('/fu_auth/forgot-password').send({ email }).expect(202);
      const token = tokenIn((await outboxFor(t.deps, email)).at(-1));
      const res = await request(t.app)
        .post('/fu_auth/reset-password')
        .send({ token, password: OVER });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({
        detail: { code: 'RESET_PASSWORD_INVALID_PASSWORD', reason: REASON },
      });
    });
  });

  describe('at login', () => {
    const first72 = 'k'.repeat(72);

    it('when a bcrypt user is sent their password plus more bytes, then no engine accepts it', async () => {
      const u = await createLegacyUser(t.deps.sequelize, { password: first72 });
      const longer = `${first72}-anything`;
      const legacy = await request(t.app)
        .post('/auth/login')
        .send({ email: u.email, password: longer });
      expect(legacy.status).to.equal(401);
      const facade = await request(t.app)
        .post('/fu_auth/legacy/login')
        .send({ email: u.email, password: longer });
      expect(facade.status).to.equal(401);
      const fu = await request(t.app)
        .post('/fu_auth/jwt/login')
        .type('form')
        .send({ username: u.email, password: longer });
      expect(fu.status).to.equal(400);
      expect(fu.body).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });
      // The exact password still works.
      await request(t.app)
        .post('/auth/login')
        .send({ email: u.email, password: first72 })
        .expect(200);
    });

    it('when an argon2 user already has a password over 72 bytes, then they still log in with all of it', async () => {
      const { user, email } = await createFuUser(t.deps);
      const long = 'long-argon2-password-'.repeat(6); // 126 bytes
      await t.deps.sequelize.query('UPDATE fu_users SET hashed_password = :hash WHERE id = :id', {
        replacements: { hash: await t.deps.hasher.hash(long), id: user.id },
      });
      await jwtLogin(t.app, email, long);
      const truncated = await request(t.app)
        .post('/fu_auth/jwt/login')
        .type('form')
        .send({ username: email, password: long.slice(0, 72) });
      expect(truncated.status).to.equal(400);
    });
  });
});
