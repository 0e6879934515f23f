/**
 * Clients once chose their own arm by sending a body the monolith could read and
 * the proxy could not (BOM, gzip, repeated fields, multipart), then letting an unverified session
 * marker decide. The real monolith and a real proxy process: the proxy reads every identity body
 * with the monolith's own reader, refuses what it cannot read with the monolith's own answer, and
 * gives marker cookies no weight.
 */
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/sequelize.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createLegacyUser, uniqueEmail } from '../helpers/factories.js';
import {
  migratedScratchDatabase,
  setPolicy,
  startMonolith,
  startProxy,
  waitForPolicyVersion,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { multipart, rawSend, withBom } from '../helpers/raw-http.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

describe('proxy processes: the proxy reads a body as the monolith does', function () {
  this.timeout(60_000);
  let db: { url: string; drop(): Promise<void> };
  let sequelize: Sequelize;
  let monolith: Monolith;
  let proxy: ProxyProcess;

  const apply = async (assignments: string) =>
    waitForPolicyVersion(proxy, await setPolicy(db.url, assignments));
  const fuUsers = async (email: string) =>
    (
      (await sequelize.query(
        `SELECT 1 FROM fu_users WHERE authshift_canonical_email(email) = authshift_canonical_email(:email)`,
        { replacements: { email } },
      )) as [unknown[], unknown]
    )[0].length;

  before(async () => {
    db = await migratedScratchDatabase();
    sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
    monolith = await startMonolith(db.url);
    proxy = await startProxy(db.url, { PORT: String(monolith.port) });
  });
  after(async () => {
    await Promise.all([proxy?.proc.stop(), monolith?.proc.stop()]);
    await sequelize?.close();
    await db?.drop();
  });
  afterEach(() =>
    apply(
      `percent = 0, killed = false, gate_fu_auth = false, allow_emails = '{}', deny_emails = '{}'`,
    ),
  );

  it('when a BOM-prefixed JSON login comes with a fake facade marker at 0%, then it is served by legacy', async () => {
    const u = await createLegacyUser(sequelize);
    const res = await rawSend(`${proxy.url}/auth/login`, {
      headers: { ...JSON_TYPE, cookie: 'crm.sid=fu.x' },
      body: withBom(JSON.stringify({ email: u.email, password: u.password })),
    });
    expect(res.headers['x-authshift-arm']).to.equal('legacy');
    expect(res.status).to.equal(200);
    expect(JSON.parse(res.text).user.id).to.equal(u.id);
  });

  it('when a gzip login body arrives at 100%, then it is refused 415 in the legacy format, never served by legacy', async () => {
    await apply('percent = 100');
    const u = await createLegacyUser(sequelize);
    const res = await rawSend(`${proxy.url}/auth/login`, {
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ email: u.email, password: u.password })),
    });
    expect(res.status).to.equal(415);
    expect(JSON.parse(res.text)).to.deep.equal({ error: 'unsupported_media_type' });
  });

  it('when a denied user sends a gzip login body with a fake facade marker at 100%, then it never reaches the new arm', async () => {
    const u = await createLegacyUser(sequelize);
    await apply(`percent = 100, deny_emails = ARRAY['${u.email.toLowerCase()}']`);
    const res = await rawSend(`${proxy.url}/auth/login`, {
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip', cookie: 'crm.sid=fu.x' },
      body: gzipSync(JSON.stringify({ email: u.email, password: u.password })),
    });
    expect(res.headers['x-authshift-arm']).not.to.equal('new');
    expect(res.status).to.equal(415);
    const plain = await rawSend(`${proxy.url}/auth/login`, {
      headers: { ...JSON_TYPE, cookie: 'crm.sid=fu.x' },
      body: JSON.stringify({ email: u.email, password: u.password }),
    });
    expect(plain.headers['x-authshift-arm']).to.equal('legacy');
    expect(plain.status).to.equal(200);
  });

  describe('with gate_fu_auth on, a user outside the cohort', () => {
    const insider = 'gated-in@example.com';
    beforeEach(() => apply(`gate_fu_auth = true, percent = 0, allow_emails = ARRAY['${insider}']`));

    it('when they register with a BOM-prefixed body and a fake fastapiusersauth cookie, then 404 and no account', async () => {
      const email = uniqueEmail('bom-register');
      const res = await rawSend(`${proxy.url}/fu_auth/register`, {
        headers: { ...JSON_TYPE, cookie: 'fastapiusersauth=x' },
        body: withBom(JSON.stringify({ email, password: 'long-enough-1' })),
      });
      expect(res.status).to.equal(404);
      expect(JSON.parse(res.text)).to.deep.equal({ detail: 'Not Found' });
      expect(await fuUsers(email)).to.equal(0);
    });

    it('when they log in with a BOM-prefixed form and a fake fastapiusersauth cookie, then 404', async () => {
      const u = await createLegacyUser(sequelize);
      const res = await rawSend(`${proxy.url}/fu_auth/jwt/login`, {
        headers: { ...FORM_TYPE, cookie: 'fastapiusersauth=x' },
        body: withBom(
          `username=${encodeURIComponent(u.email)}&password=${encodeURIComponent(u.password)}`,
        ),
      });
      expect(res.status).to.equal(404);
      expect(JSON.parse(res.text)).to.deep.equal({ detail: 'Not Found' });
    });

    it('when they log in with the username field twice (an insider first), then 422 and no token', async () => {
      const u = await createLegacyUser(sequelize);
      const res = await rawSend(`${proxy.url}/fu_auth/jwt/login`, {
        headers: FORM_TYPE,
        body: `username=${encodeURIComponent(insider)}&username=${encodeURIComponent(u.email)}&password=${encodeURIComponent(u.password)}`,
      });
      expect(res.status).to.equal(422);
      const detail = JSON.parse(res.text).detail as { loc: unknown[] }[];
      expect(detail.map((i) => i.loc)).to.deep.equal([['body', 'username']]);
    });

    it('when they log in with a multipart form and a fake bearer, then 404', async () => {
      const u = await createLegacyUser(sequelize);
      const form = multipart([
        ['username', u.email],
        ['password', u.password],
      ]);
      const res = await rawSend(`${proxy.url}/fu_auth/jwt/login`, {
        headers: { 'content-type': form.type, authorization: 'Bearer fake.bearer.token' },
        body: form.body,
      });
      expect(res.status).to.equal(404);
      expect(JSON.parse(res.text)).to.deep.equal({ detail: 'Not Found' });
    });

    it('when they carry only marker cookies or an unverifiable bearer, then /fu_auth/users/me is 404', async () => {
      const markers: Record<string, string>[] = [
        { cookie: 'fastapiusersauth=x' },
        { cookie: 'crm.sid=fu.x' },
        { authorization: 'Bearer not.a.jwt' },
      ];
      for (const headers of markers) {
        const res = await rawSend(`${proxy.url}/fu_auth/users/me`, { method: 'GET', headers });
        expect(res.status, JSON.stringify(headers)).to.equal(404);
        expect(JSON.parse(res.text)).to.deep.equal({ detail: 'Not Found' });
      }
    });

    it('when the insider logs in with a multipart form, then the new arm serves them', async () => {
      const form = multipart([
        ['username', insider],
        ['password', 'not-their-password'],
      ]);
      const res = await rawSend(`${proxy.url}/fu_auth/jwt/login`, {
        headers: { 'content-type': form.type },
        body: form.body,
      });
      expect(res.headers['x-authshift-arm']).to.equal('new');
      expect(JSON.parse(res.text)).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });
    });
  });

  it('when a request carries a fake facade or legacy marker at 0% or 100%, then it is anonymous (legacy)', async () => {
    for (const percent of [0, 100]) {
      await apply(`percent = ${percent}`);
      for (const cookie of ['crm.sid=fu.x', 'crm.sid=s%3Afake.sig', 'fastapiusersauth=x']) {
        const res = await rawSend(`${proxy.url}/auth/me`, { method: 'GET', headers: { cookie } });
        expect(res.headers['x-authshift-arm'], `${percent}% ${cookie}`).to.equal('legacy');
        expect(res.status).to.equal(401);
      }
    }
  });
});
