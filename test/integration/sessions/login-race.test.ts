import { expect } from 'chai';
import type { RequestListener } from 'node:http';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import type { AppDeps } from '../../../src/deps.js';
import type { PasswordHasher } from '../../../src/passwords/password-hasher.js';
import type { Phase1Database } from '../../helpers/consolidation.js';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { createFuUser } from '../../helpers/fu-auth.js';
import { phase2Database } from '../../helpers/phase2-database.js';
import { mintCredential, setCookieFor } from '../../helpers/sessions.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

/**
 * A login that verified the old password while a password change committed must not leave a
 * session behind: the change's "end other sessions" ran before the login's session existed.
 * The barrier holds the login right after its password verification until the change is done.
 */
interface Barrier {
  password: string;
  verified: () => void;
  release: Promise<void>;
}

const LOGINS = [
  {
    path: '/auth/login',
    form: false,
    session: 'crm.sid',
    refused: { status: 401, body: { error: 'invalid_credentials' } },
  },
  {
    path: '/fu_auth/legacy/login',
    form: false,
    session: 'crm.sid',
    refused: { status: 401, body: { error: 'invalid_credentials' } },
  },
  {
    path: '/fu_auth/cookie/login',
    form: true,
    session: 'fastapiusersauth',
    refused: { status: 400, body: { detail: 'LOGIN_BAD_CREDENTIALS' } },
  },
] as const;

for (const phase of ['phase 1 (fu_users)', 'phase 2 (consolidated users)'] as const) {
  describe(`a login racing a password change: ${phase}`, function () {
    this.timeout(60_000);
    let db: Phase1Database | undefined;
    let base: AppDeps;
    let deps: AppDeps;
    let app: RequestListener;
    let barrier: Barrier | null = null;

    before(async () => {
      if (phase.startsWith('phase 2')) db = await phase2Database();
      const databaseUrl = db ? { databaseUrl: db.url } : {};
      base = buildTestDeps(databaseUrl);
      const hasher: PasswordHasher = {
        ...base.hasher,
        async verify(password, stored) {
          const verified = await base.hasher.verify(password, stored);
          const held = barrier;
          if (held && password === held.password) {
            barrier = null;
            held.verified();
            await held.release;
          }
          return verified;
        },
      };
      deps = buildTestDeps({ ...databaseUrl, hasher });
      await deps.fuAuth.userStore.start();
      app = createApp(deps);
    });
    after(async () => {
      await deps.close();
      await base.close();
      await db?.drop();
    });

    for (const login of LOGINS) {
      it(`when ${login.path} verified the old password and the change commits before its session is stored, then the login is refused and leaves no session`, async () => {
        const email = uniqueEmail('race');
        const old = 'old-password-123';
        const { user } = await createFuUser(deps, { email, password: old });
        const changer = await mintCredential(app, 'legacy session', email, old);

        let verified!: () => void;
        let release!: () => void;
        const reached = new Promise<void>((resolve) => (verified = resolve));
        barrier = {
          password: old,
          verified,
          release: new Promise<void>((resolve) => (release = resolve)),
        };
        const req = request(app).post(login.path);
        const pending = (
          login.form
            ? req.type('form').send({ username: email, password: old })
            : req.send({ email, password: old })
        ).then((res) => res);
        await reached;
        const change = await request(app)
          .post('/auth/change-password')
          .set(changer)
          .send({ current_password: old, new_password: 'new-password-456' });
        expect(change.status).to.equal(204);
        release();
        const res = await pending;

        expect({ status: res.status, body: res.body as unknown }).to.deep.equal(login.refused);
        const cookie = setCookieFor(res, login.session);
        expect(cookie === undefined || /^[^=]+=;/.test(cookie), String(cookie)).to.equal(true);
        expect((await request(app).get('/auth/me').set(changer)).status).to.equal(200);
        // Only the changer's session is left, on either engine.
        const [left] = await deps.sequelize.query<Record<string, string>>(
          `SELECT (SELECT count(*) FROM session
                    WHERE sess -> 'passport' ->> 'user' = CAST(:id AS text)) AS legacy,
                  (SELECT count(*) FROM fu_facade_sessions WHERE legacy_user_id = :id) AS facade,
                  (SELECT count(*) FROM fu_access_tokens WHERE user_id = CAST(:uuid AS uuid)) AS tokens`,
          { replacements: { id: user.legacyUserId, uuid: user.id }, type: QueryTypes.SELECT },
        );
        expect(left).to.deep.equal({ legacy: '1', facade: '0', tokens: '0' });
      });
    }

    it('when a /fu_auth login verified a legacy hash and a legacy password change commits before its import or rehash, then the change is kept', async () => {
      const old = 'old-password-123';
      const fresh = 'new-password-456';
      const { email } = await createLegacyUser(deps.sequelize, { password: old });
      const changer = await mintCredential(app, 'legacy session', email, old);
      let verified!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => (verified = resolve));
      barrier = {
        password: old,
        verified,
        release: new Promise<void>((resolve) => (release = resolve)),
      };
      const jwt = (password: string) =>
        request(app).post('/fu_auth/jwt/login').type('form').send({ username: email, password });
      const pending = jwt(old).then((res) => res);
      await reached;
      const change = await request(app)
        .post('/auth/change-password')
        .set(changer)
        .send({ current_password: old, new_password: fresh });
      expect(change.status).to.equal(204);
      release();
      expect((await pending).body).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });

      // Both engines know the new password only.
      expect((await jwt(fresh)).status, 'new password, new engine').to.equal(200);
      expect((await jwt(old)).status, 'old password, new engine').to.equal(400);
      const legacy = (password: string) =>
        request(app).post('/auth/login').send({ email, password });
      expect((await legacy(fresh)).status, 'new password, legacy engine').to.equal(200);
      expect((await legacy(old)).status, 'old password, legacy engine').to.equal(401);
    });

    it('when nothing changes the password meanwhile, then each login stands as before', async () => {
      const email = uniqueEmail('calm');
      await createFuUser(deps, { email, password: 'calm-password-1' });
      for (const login of LOGINS) {
        const req = request(app).post(login.path);
        const res = await (login.form
          ? req.type('form').send({ username: email, password: 'calm-password-1' })
          : req.send({ email, password: 'calm-password-1' }));
        expect(res.status, login.path).to.be.oneOf([200, 204]);
        const pair = setCookieFor(res, login.session)!.split(';')[0]!;
        expect((await request(app).get('/auth/me').set('cookie', pair)).status).to.equal(200);
      }
    });
  });
}
