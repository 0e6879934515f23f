/**
 * The legacy contract (docs/design/contracts/legacy.md) as one suite that takes a base path, so the same
 * assertions run against the legacy engine (`/auth`) and the new engine's facade
 * (`/fu_auth/legacy`). Only what a legacy client can observe is asserted here.
 */
import { deflateSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import type { RequestListener } from 'node:http';
import { QueryTypes, type Sequelize } from 'sequelize';
import request from 'supertest';
import { createLegacyUser, uniqueEmail, type LegacyHashKind } from '../helpers/factories.js';
import {
  CLOSED,
  CREDENTIAL_KINDS,
  mintCredential,
  OPEN,
  opens,
  setCookieFor,
} from '../helpers/sessions.js';

export interface LegacyContractTarget {
  name: string;
  basePath: string;
  /** The in-process app, or the base URL of a running server (e.g. the proxy). */
  app: () => RequestListener | string;
  sequelize: () => Sequelize;
}

const USER_KEYS = ['id', 'email', 'full_name', 'role'];

function sessionCookie(res: request.Response): string {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = cookies.find((c) => c.startsWith('crm.sid='));
  expect(cookie, 'a crm.sid session cookie').to.be.a('string');
  return cookie!;
}

export function legacyContractSuite(target: LegacyContractTarget): void {
  const path = (p: string) => `${target.basePath}${p}`;
  const agent = () => request.agent(target.app());
  const user = (options: Parameters<typeof createLegacyUser>[1] = {}) =>
    createLegacyUser(target.sequelize(), options);

  describe(`legacy contract: ${target.name} (${target.basePath})`, () => {
    describe('POST /login', () => {
      it('when the credentials are right, then 200 with the user and an HttpOnly SameSite=Lax crm.sid cookie', async () => {
        const u = await user({ fullName: 'Ann Lee' });
        const res = await request(target.app())
          .post(path('/login'))
          .send({ email: u.email, password: u.password });
        expect(res.status).to.equal(200);
        expect(res.headers['content-type']).to.match(/^application\/json/);
        expect(res.body).to.deep.equal({
          user: { id: u.id, email: u.email, full_name: 'Ann Lee', role: 'user' },
        });
        expect(Object.keys(res.body.user)).to.deep.equal(USER_KEYS);
        const cookie = sessionCookie(res);
        expect(cookie).to.match(/; HttpOnly/i);
        expect(cookie).to.match(/; SameSite=Lax/i);
        expect(cookie).not.to.match(/; Secure/i);
      });

      it('when the login succeeds, then last_login_at is set', async () => {
        const u = await user();
        await request(target.app())
          .post(path('/login'))
          .send({ email: u.email, password: u.password })
          .expect(200);
        const [row] = await target
          .sequelize()
          .query<{ last_login_at: Date | null }>('SELECT last_login_at FROM users WHERE id = :id', {
            type: QueryTypes.SELECT,
            replacements: { id: u.id },
          });
        expect(row?.last_login_at).to.be.instanceOf(Date);
      });

      it('when the body is form-urlencoded, then it logs in too', async () => {
        const u = await user();
        const res = await request(target.app())
          .post(path('/login'))
          .type('form')
          .send({ email: u.email, password: u.password });
        expect(res.status).to.equal(200);
        expect(res.body.user.id).to.equal(u.id);
      });

      for (const hash of [
        'bcrypt-2b',
        'bcrypt-2a',
        'bcrypt-2y',
        'pbkdf2_sha256',
      ] as LegacyHashKind[]) {
        it(`when the stored hash is ${hash}, then the right password logs in and a wrong one does not`, async () => {
          const u = await user({ hash });
          await request(target.app())
            .post(path('/login'))
            .send({ email: u.email, password: u.password })
            .expect(200);
          const res = await request(target.app())
            .post(path('/login'))
            .send({ email: u.email, password: `${u.password}x` });
          expect(res.status).to.equal(401);
          expect(res.body).to.deep.equal({ error: 'invalid_credentials' });
        });
      }

      const failures: [string, () => Promise<{ email: string; password: string }>][] = [
        [
          'the e-mail is unknown',
          async () => ({ email: uniqueEmail('nobody'), password: 'whatever-123' }),
        ],
        ['the password is wrong', async () => ({ ...(await user()), password: 'wrong-password' })],
        ['no password was ever set (NULL hash)', async () => user({ hash: 'none' })],
        ['the stored hash has an unknown format', async () => user({ hash: 'unknown' })],
        [
          'the e-mail differs only by case',
          async () => {
            const u = await user();
            return { email: u.email.toUpperCase(), password: u.password };
          },
        ],
      ];
      for (const [when, credentials] of failures) {
        it(`when ${when}, then 401 invalid_credentials`, async () => {
          const res = await request(target.app())
            .post(path('/login'))
            .send(await credentials());
          expect(res.status).to.equal(401);
          expect(res.body).to.deep.equal({ error: 'invalid_credentials' });
          expect(res.headers['set-cookie'] ?? []).to.satisfy(
            (c: string[]) => !c.some((x) => x.startsWith('crm.sid=')),
          );
        });
      }

      it('when the account is disabled and the password is right, then 403 account_disabled', async () => {
        const u = await user({ active: false });
        const res = await request(target.app())
          .post(path('/login'))
          .send({ email: u.email, password: u.password });
        expect(res.status).to.equal(403);
        expect(res.body).to.deep.equal({ error: 'account_disabled' });
      });

      it('when the account is disabled and the password is wrong, then 401 invalid_credentials', async () => {
        const u = await user({ active: false });
        const res = await request(target.app())
          .post(path('/login'))
          .send({ email: u.email, password: 'nope-nope' });
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal({ error: 'invalid_credentials' });
      });

      it('when the e-mail is missing, then 422 with fields.email = required', async () => {
        const res = await request(target.app()).post(path('/login')).send({ password: 'x' });
        expect(res.status).to.equal(422);
        expect(res.body).to.deep.equal({
          error: 'validation_failed',
          fields: { email: 'required' },
        });
      });

      it('when both fields are missing or empty, then 422 names both', async () => {
        const res = await request(target.app()).post(path('/login')).send({ email: '' });
        expect(res.status).to.equal(422);
        expect(res.body).to.deep.equal({
          error: 'validation_failed',
          fields: { email: 'required', password: 'required' },
        });
      });

      it('when the JSON is malformed, then 422 in the legacy format (never 500)', async () => {
        const res = await request(target.app())
          .post(path('/login'))
          .set('content-type', 'application/json')
          .send('{"email":');
        expect(res.status).to.equal(422);
        expect(res.body.error).to.equal('validation_failed');
        expect(res.body.fields).to.be.an('object');
      });
    });

    describe('GET /me and POST /logout', () => {
      it('when logged in, then /me returns the user, and after logout /me is 401', async () => {
        const u = await user({ role: 'admin' });
        const a = agent();
        await a.post(path('/login')).send({ email: u.email, password: u.password }).expect(200);
        const me = await a.get(path('/me'));
        expect(me.status).to.equal(200);
        expect(me.body).to.deep.equal({
          user: { id: u.id, email: u.email, full_name: u.fullName, role: 'admin' },
        });
        const out = await a.post(path('/logout'));
        expect(out.status).to.equal(204);
        expect(out.text).to.equal('');
        const after = await a.get(path('/me'));
        expect(after.status).to.equal(401);
        expect(after.body).to.deep.equal({ error: 'not_authenticated' });
      });

      it('when a logged-out cookie is replayed, then it no longer authenticates', async () => {
        const u = await user();
        const login = await request(target.app())
          .post(path('/login'))
          .send({ email: u.email, password: u.password });
        const cookie = sessionCookie(login).split(';')[0]!;
        await request(target.app()).post(path('/logout')).set('cookie', cookie).expect(204);
        const me = await request(target.app()).get(path('/me')).set('cookie', cookie);
        expect(me.status).to.equal(401);
      });

      it('when not logged in, then /me and /logout answer 401 not_authenticated', async () => {
        for (const res of [
          await request(target.app()).get(path('/me')),
          await request(target.app()).post(path('/logout')),
        ]) {
          expect(res.status).to.equal(401);
          expect(res.body).to.deep.equal({ error: 'not_authenticated' });
        }
      });

      it('when the cookie is forged, then 401 not_authenticated', async () => {
        const res = await request(target.app())
          .get(path('/me'))
          .set('cookie', 'crm.sid=s%3Aforged.signature');
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal({ error: 'not_authenticated' });
      });
    });

    describe('POST /register', () => {
      it('when the input is valid, then 201 with the user, and the new session is logged in', async () => {
        const email = uniqueEmail('new');
        const a = agent();
        const res = await a
          .post(path('/register'))
          .send({ email, password: 'long-enough-1', full_name: 'New Person' });
        expect(res.status).to.equal(201);
        expect(Object.keys(res.body.user)).to.deep.equal(USER_KEYS);
        expect(res.body.user).to.include({ email, full_name: 'New Person', role: 'user' });
        expect(res.body.user.id).to.be.a('number');
        sessionCookie(res);
        const me = await a.get(path('/me'));
        expect(me.status).to.equal(200);
        expect(me.body.user.id).to.equal(res.body.user.id);
        await request(target.app())
          .post(path('/login'))
          .send({ email, password: 'long-enough-1' })
          .expect(200);
      });

      it('when full_name is left out, then it is null', async () => {
        const res = await request(target.app())
          .post(path('/register'))
          .send({ email: uniqueEmail(), password: 'long-enough-1' });
        expect(res.status).to.equal(201);
        expect(res.body.user.full_name).to.equal(null);
      });

      it('when the exact e-mail exists, then 409 email_taken', async () => {
        const u = await user();
        const res = await request(target.app())
          .post(path('/register'))
          .send({ email: u.email, password: 'long-enough-1' });
        expect(res.status).to.equal(409);
        expect(res.body).to.deep.equal({ error: 'email_taken' });
      });

      // The legacy quirk (unique case-sensitively) ends with authshift: one identity per
      // canonical address, on every phase; an answer legacy clients already parse.
      it('when the e-mail differs only by case, then 409 email_taken (one identity per canonical address)', async () => {
        const u = await user({ email: uniqueEmail('quirk') });
        const taken = await request(target.app())
          .post(path('/register'))
          .send({ email: u.email.toUpperCase(), password: 'long-enough-1' });
        expect(taken.status).to.equal(409);
        expect(taken.body).to.deep.equal({ error: 'email_taken' });
      });

      const invalid: [string, Record<string, unknown>, Record<string, string>][] = [
        [
          'the e-mail is malformed',
          { email: 'not-an-email', password: 'long-enough-1' },
          { email: 'invalid_email' },
        ],
        [
          'the password is shorter than 8',
          { email: uniqueEmail(), password: 'short' },
          { password: 'too_short' },
        ],
        ['both are missing', {}, { email: 'required', password: 'required' }],
        [
          'the password is not a string',
          { email: uniqueEmail(), password: 12345678 },
          { password: 'invalid' },
        ],
      ];
      for (const [when, body, fields] of invalid) {
        it(`when ${when}, then 422 validation_failed with fields`, async () => {
          const res = await request(target.app()).post(path('/register')).send(body);
          expect(res.status).to.equal(422);
          expect(res.body).to.deep.equal({ error: 'validation_failed', fields });
        });
      }
    });

    describe('POST /change-password', () => {
      it('when the current password is right, then 204, and only the new password logs in', async () => {
        const u = await user();
        const a = agent();
        await a.post(path('/login')).send({ email: u.email, password: u.password }).expect(200);
        const res = await a
          .post(path('/change-password'))
          .send({ current_password: u.password, new_password: 'brand-new-pass' });
        expect(res.status).to.equal(204);
        expect(res.text).to.equal('');
        await request(target.app())
          .post(path('/login'))
          .send({ email: u.email, password: 'brand-new-pass' })
          .expect(200);
        await request(target.app())
          .post(path('/login'))
          .send({ email: u.email, password: u.password })
          .expect(401);
      });

      it('when the current password is wrong, then 400 invalid_credentials', async () => {
        const u = await user();
        const a = agent();
        await a.post(path('/login')).send({ email: u.email, password: u.password }).expect(200);
        const res = await a
          .post(path('/change-password'))
          .send({ current_password: 'wrong-one', new_password: 'brand-new-pass' });
        expect(res.status).to.equal(400);
        expect(res.body).to.deep.equal({ error: 'invalid_credentials' });
      });

      it('when the new password is too short, then 422', async () => {
        const u = await user();
        const a = agent();
        await a.post(path('/login')).send({ email: u.email, password: u.password }).expect(200);
        const res = await a
          .post(path('/change-password'))
          .send({ current_password: u.password, new_password: 'short' });
        expect(res.status).to.equal(422);
        expect(res.body).to.deep.equal({
          error: 'validation_failed',
          fields: { new_password: 'too_short' },
        });
      });

      it('when not logged in, then 401 even with an invalid body', async () => {
        const res = await request(target.app()).post(path('/change-password')).send({});
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal({ error: 'not_authenticated' });
      });
    });

    describe('/api/* with a session from this engine', () => {
      it('when logged in here, then contacts can be created, read, updated and deleted', async () => {
        const u = await user();
        const a = agent();
        await a.post(path('/login')).send({ email: u.email, password: u.password }).expect(200);
        const created = await a
          .post('/api/contacts')
          .send({ name: 'Bob', email: 'bob@example.com' });
        expect(created.status).to.equal(201);
        expect(created.body.contact).to.include({
          name: 'Bob',
          email: 'bob@example.com',
          owner_id: u.id,
        });
        const id = created.body.contact.id as number;
        const list = await a.get('/api/contacts');
        expect(list.status).to.equal(200);
        expect(list.body.contacts.map((c: { id: number }) => c.id)).to.deep.equal([id]);
        const updated = await a
          .put(`/api/contacts/${id}`)
          .send({ name: 'Robert', company: 'ACME' });
        expect(updated.status).to.equal(200);
        expect(updated.body.contact).to.include({ name: 'Robert', company: 'ACME', email: null });
        expect((await a.get(`/api/contacts/${id}`)).body.contact.name).to.equal('Robert');
        expect((await a.delete(`/api/contacts/${id}`)).status).to.equal(204);
        const gone = await a.get(`/api/contacts/${id}`);
        expect(gone.status).to.equal(404);
        expect(gone.body).to.deep.equal({ error: 'not_found' });
      });

      it('when a user is not an admin, then /api/admin/users is 403 forbidden; for an admin it lists users', async () => {
        const plain = await user();
        const admin = await user({ role: 'admin' });
        const a = agent();
        await a
          .post(path('/login'))
          .send({ email: plain.email, password: plain.password })
          .expect(200);
        const denied = await a.get('/api/admin/users');
        expect(denied.status).to.equal(403);
        expect(denied.body).to.deep.equal({ error: 'forbidden' });
        const b = agent();
        await b
          .post(path('/login'))
          .send({ email: admin.email, password: admin.password })
          .expect(200);
        const ok = await b.get('/api/admin/users?limit=2&offset=0');
        expect(ok.status).to.equal(200);
        expect(ok.body.users).to.have.length(2);
        expect(Object.keys(ok.body.users[0])).to.deep.equal(USER_KEYS);
        expect(ok.body.total).to.be.a('number').and.at.least(2);
      });
    });

    describe('request bodies (one body reader for the proxy and the monolith)', () => {
      const send = (route: string, type: string, body: Buffer | string, encoding?: string) => {
        const req = request(target.app()).post(path(route)).set('content-type', type);
        return (encoding ? req.set('content-encoding', encoding) : req).send(body);
      };

      it('when a JSON login starts with a UTF-8 BOM, then it logs in', async () => {
        const u = await user();
        const body = `\ufeff${JSON.stringify({ email: u.email, password: u.password })}`;
        const res = await send('/login', 'application/json', body);
        expect(res.status).to.equal(200);
        expect(res.body.user.id).to.equal(u.id);
      });

      it('when a body is compressed or not UTF-8, then 415 {"error":"unsupported_media_type"}', async () => {
        const u = await user();
        const login = JSON.stringify({ email: u.email, password: u.password });
        for (const res of [
          await send('/login', 'application/json', gzipSync(login), 'gzip'),
          await send('/register', 'application/json', deflateSync(login), 'deflate'),
          await send('/login', 'application/json; charset=utf-16le', Buffer.from(login, 'utf16le')),
          await send('/login', 'application/x-www-form-urlencoded; charset=latin1', 'email=a'),
        ]) {
          expect(res.status).to.equal(415);
          expect(res.body).to.deep.equal({ error: 'unsupported_media_type' });
        }
      });

      it('when a form names a field twice, then 422 with that field (ambiguous, never guessed)', async () => {
        const u = await user();
        const res = await send(
          '/login',
          'application/x-www-form-urlencoded',
          `email=${encodeURIComponent(u.email)}&email=other%40example.com&password=${encodeURIComponent(u.password)}`,
        );
        expect(res.status).to.equal(422);
        expect(res.body).to.deep.equal({
          error: 'validation_failed',
          fields: { email: 'invalid' },
        });
      });

      it('when JSON is nested too deep or the body is over 16 KiB, then 422 invalid_json or 413', async () => {
        const deep = await send(
          '/register',
          'application/json',
          `${'['.repeat(5000)}${']'.repeat(5000)}`,
        );
        expect(deep.status).to.equal(422);
        expect(deep.body).to.deep.equal({
          error: 'validation_failed',
          fields: { body: 'invalid_json' },
        });
        const big = await send(
          '/login',
          'application/json',
          JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(17_000) }),
        );
        expect(big.status).to.equal(413);
        expect(big.body).to.deep.equal({ error: 'payload_too_large' });
      });
    });

    it('when the route is unknown, then 404 {"error":"not_found"}', async () => {
      const res = await request(target.app()).get(path('/nope'));
      expect(res.status).to.equal(404);
      expect(res.body).to.deep.equal({ error: 'not_found' });
    });
  });
}

/**
 * Portable sessions (docs/engines.md): the `/me`, `/logout` and `/change-password` routes of this
 * engine honour every credential either engine issues — a legacy session, a facade session, the
 * `fastapiusersauth` cookie and a bearer JWT — with the same bodies, and a logout here ends the
 * session on both engines. Run against both engines, so a session minted by one is used on the
 * other in each direction.
 */
export function portableSessionSuite(target: LegacyContractTarget): void {
  const path = (p: string) => `${target.basePath}${p}`;
  const user = () =>
    createLegacyUser(target.sequelize(), { fullName: 'Portable Person', role: 'admin' });

  describe(`portable sessions: ${target.name} (${target.basePath})`, () => {
    for (const kind of CREDENTIAL_KINDS) {
      it(`when a ${kind} is sent to GET /me, then 200 with the same user object on both engines`, async () => {
        const u = await user();
        const headers = await mintCredential(target.app(), kind, u.email, u.password);
        const res = await request(target.app()).get(path('/me')).set(headers);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        const expected = {
          user: { id: u.id, email: u.email, full_name: 'Portable Person', role: 'admin' },
        };
        expect(res.body).to.deep.equal(expected);
        expect(Object.keys(res.body.user)).to.deep.equal(USER_KEYS);
        for (const other of ['/auth/me', '/fu_auth/legacy/me'])
          expect((await request(target.app()).get(other).set(headers)).body, other).to.deep.equal(
            expected,
          );
      });

      it(`when a ${kind} changes the password through POST /change-password, then 204 and only the new password logs in on either engine`, async () => {
        const u = await user();
        const headers = await mintCredential(target.app(), kind, u.email, u.password);
        const res = await request(target.app())
          .post(path('/change-password'))
          .set(headers)
          .send({ current_password: u.password, new_password: 'portable-new-pass' });
        expect(res.status, JSON.stringify(res.body)).to.equal(204);
        for (const login of ['/auth/login', '/fu_auth/legacy/login']) {
          await request(target.app())
            .post(login)
            .send({ email: u.email, password: 'portable-new-pass' })
            .expect(200);
          await request(target.app())
            .post(login)
            .send({ email: u.email, password: u.password })
            .expect(401);
        }
      });

      it(`when a ${kind} logs out through POST /logout, then 204 with crm.sid cleared, and ${kind === 'bearer JWT' ? 'the JWT lives on until exp (fastapi-users contract)' : 'it opens no session on either engine any more'}`, async () => {
        const u = await user();
        const headers = await mintCredential(target.app(), kind, u.email, u.password);
        const res = await request(target.app()).post(path('/logout')).set(headers);
        expect(res.status, JSON.stringify(res.body)).to.equal(204);
        expect(res.text).to.equal('');
        expect(setCookieFor(res, 'crm.sid')).to.match(/^crm\.sid=;/);
        expect(await opens(target.app(), kind, headers)).to.deep.equal(
          kind === 'bearer JWT' ? OPEN(kind) : CLOSED(kind),
        );
      });
    }
  });
}
