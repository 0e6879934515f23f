/**
 * Nothing secret in the logs: a hostile sequence through a real proxy and a real monolith, both
 * logging at `info` (the most verbose level production uses), then every line of both searched
 * for every password typed (right and wrong), every token (reset, verification, JWT, database,
 * facade and dashboard sessions, the routing claim), every cookie value and session id, every
 * password hash in the database and every configured secret: 0 hits.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { tokenIn } from '../helpers/fu-auth.js';
import { waitForMail } from '../helpers/outbox.js';
import pg from 'pg';
import {
  ADMIN_TOKEN,
  OVERRIDE_SECRET,
  ROUTING_SECRET,
  ROUTING_SECRET_PREVIOUS,
  migratedScratchDatabase,
  setPolicy,
  startMonolith,
  startProxy,
  waitForPolicyVersion,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';

const stamp = `${process.pid}${Date.now()}`;
const SECRETS = {
  SESSION_SECRET: `log-test-session-secret-${stamp}`,
  JWT_SECRET: `log-test-jwt-secret-${stamp}`,
  RESET_PASSWORD_TOKEN_SECRET: `log-test-reset-secret-${stamp}`,
  VERIFICATION_TOKEN_SECRET: `log-test-verify-secret-${stamp}`,
};
/** Addresses whose row the database refuses (a check constraint): the failing-query case. */
const REFUSED = 'logsfail';
const HASH_SHAPE = /\$argon2(?:id|i|d)\$|\$2[aby]\$\d\d\$|pbkdf2[_:$]/;

describe('log output of a hostile session (proxy + monolith at info)', function () {
  this.timeout(120_000);
  let db: { url: string; drop(): Promise<void> };
  let outbox: string;
  let monolith: Monolith;
  let proxy: ProxyProcess;
  /** Everything that must never appear in a log line, with what it is (for the failure message). */
  const secrets = new Map<string, string>();
  const secret = (what: string, value: string | undefined | null) => {
    if (value && value.length >= 6) secrets.set(value, what);
  };

  before(async () => {
    db = await migratedScratchDatabase();
    outbox = await mkdtemp(path.join(os.tmpdir(), 'authshift-log-secrets-'));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(
      `ALTER TABLE users ADD CONSTRAINT refuse_marked CHECK (email NOT LIKE '${REFUSED}-%') NOT VALID`,
    );
    await client.end();
    monolith = await startMonolith(db.url, undefined, {
      ...SECRETS,
      LOG_LEVEL: 'info',
      MAIL_OUTBOX_DIR: outbox,
    });
    proxy = await startProxy(db.url, {
      ...SECRETS,
      PORT: String(monolith.port),
      LOG_LEVEL: 'info',
    });
    for (const [name, value] of Object.entries({
      ...SECRETS,
      ADMIN_TOKEN,
      OVERRIDE_SECRET,
      ROUTING_SECRET,
      ROUTING_SECRET_PREVIOUS,
    }))
      secret(`configured secret ${name}`, value);
  });

  after(async () => {
    await proxy?.proc.stop();
    await monolith?.proc.stop();
    await db?.drop();
    await rm(outbox, { recursive: true, force: true });
  });

  /** Every cookie a response sets goes on the list: its value and, for crm.sid, the session id. */
  function collectCookies(res: Response): string {
    const pairs = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    for (const pair of pairs) {
      const value = decodeURIComponent(pair.slice(pair.indexOf('=') + 1));
      secret(`cookie ${pair.split('=')[0]}`, value);
      const sid = /^s:([^.]+)\./.exec(value)?.[1];
      secret('legacy session id', sid);
      for (const part of value.split('.')) if (part.length >= 20) secret('cookie part', part);
    }
    return pairs.join('; ');
  }

  const json = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const form = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body).toString(),
      redirect: 'manual',
    });

  /** The token of the newest such mail; forgot-password and verify send it after answering. */
  async function mailedToken(to: string, subject: string): Promise<string> {
    const token = tokenIn(await waitForMail(outbox, to, subject));
    secret(`mailed token (${subject})`, token);
    return token;
  }

  async function hostileSession(): Promise<void> {
    const p = (route: string) => `${proxy.url}${route}`;
    const pw = (what: string) => {
      const value = `${what}-Pw-${stamp}`;
      secret(`password (${what})`, value);
      return value;
    };

    // Legacy engine (the shipped 0 %): register, wrong and right logins, /me, bad JSON.
    const legacyEmail = `legacy-${stamp}@example.com`;
    const legacyPassword = pw('legacy');
    expect(
      (await json(p('/auth/register'), { email: legacyEmail, password: legacyPassword })).status,
    ).to.equal(201);
    for (let i = 0; i < 3; i++)
      expect(
        (await json(p('/auth/login'), { email: legacyEmail, password: pw(`wrong${i}`) })).status,
      ).to.equal(401);
    const legacyLogin = await json(p('/auth/login'), {
      email: legacyEmail,
      password: legacyPassword,
    });
    expect(legacyLogin.status).to.equal(200);
    const legacyCookies = collectCookies(legacyLogin);
    expect((await fetch(p('/auth/me'), { headers: { cookie: legacyCookies } })).status).to.equal(
      200,
    );
    expect(
      (await json(p('/auth/login'), `{"email":"${legacyEmail}","password":"${pw('badjson')}"`))
        .status,
    ).to.be.within(400, 499);

    // New engine: register, JWT and cookie logins, /users/me, bad JSON and a hostile body.
    const fuEmail = `fu-${stamp}@example.com`;
    const fuPassword = pw('fu');
    expect(
      (await json(p('/fu_auth/register'), { email: fuEmail, password: fuPassword })).status,
    ).to.equal(201);
    expect(
      (await form(p('/fu_auth/jwt/login'), { username: fuEmail, password: pw('fu-wrong') })).status,
    ).to.equal(400);
    const jwtRes = await form(p('/fu_auth/jwt/login'), { username: fuEmail, password: fuPassword });
    const jwt = ((await jwtRes.json()) as { access_token: string }).access_token;
    secret('JWT', jwt);
    expect(
      (await fetch(p('/fu_auth/users/me'), { headers: { authorization: `Bearer ${jwt}` } })).status,
    ).to.equal(200);
    expect(
      (await fetch(p('/fu_auth/users/me'), { headers: { authorization: `Bearer ${jwt}x` } }))
        .status,
    ).to.equal(401);
    const cookieLogin = await form(p('/fu_auth/cookie/login'), {
      username: fuEmail,
      password: fuPassword,
    });
    expect(cookieLogin.status).to.equal(204);
    const fuCookies = collectCookies(cookieLogin);
    expect(
      (await fetch(p('/fu_auth/users/me'), { headers: { cookie: fuCookies } })).status,
    ).to.equal(200);
    expect(
      (
        await json(
          p('/fu_auth/register'),
          `{"email":"x@example.com","password":"${pw('fu-badjson')}"`,
        )
      ).status,
    ).to.equal(422);
    expect(
      (await json(p('/fu_auth/register'), '['.repeat(5000) + ']'.repeat(5000))).status,
    ).to.equal(422);

    // Forgot and reset through the built-in page; the used token tried again.
    expect((await json(p('/fu_auth/forgot-password'), { email: fuEmail })).status).to.equal(202);
    const resetToken = await mailedToken(fuEmail, 'Reset your password');
    expect(
      (await fetch(p(`/reset-password?token=${encodeURIComponent(resetToken)}`))).status,
    ).to.equal(200);
    const newPassword = pw('fu-new');
    expect(
      (await json(p('/fu_auth/reset-password'), { token: resetToken, password: newPassword }))
        .status,
    ).to.equal(200);
    expect(
      (await json(p('/fu_auth/reset-password'), { token: resetToken, password: pw('again') }))
        .status,
    ).to.equal(400);

    // Verification through the built-in page.
    expect((await json(p('/fu_auth/request-verify-token'), { email: fuEmail })).status).to.equal(
      202,
    );
    const verifyToken = await mailedToken(fuEmail, 'Confirm your e-mail address');
    expect((await fetch(p(`/verify?token=${encodeURIComponent(verifyToken)}`))).status).to.equal(
      200,
    );
    expect((await json(p('/fu_auth/verify'), { token: verifyToken })).status).to.equal(200);

    // Failing queries on both engines: the database refuses the row (and its detail repeats it).
    const refusedLegacy = `${REFUSED}-legacy-${stamp}@example.com`;
    const refusedFu = `${REFUSED}-fu-${stamp}@example.com`;
    secret('refused address', refusedLegacy);
    secret('refused address', refusedFu);
    expect(
      (await json(p('/auth/register'), { email: refusedLegacy, password: pw('refused-legacy') }))
        .status,
    ).to.equal(500);
    expect(
      (await json(p('/fu_auth/register'), { email: refusedFu, password: pw('refused-fu') })).status,
    ).to.equal(500);

    // The ops dashboard: a wrong token, then the right one.
    const origin = { origin: proxy.adminUrl };
    expect(
      (await form(`${proxy.adminUrl}/dashboard/login`, { token: pw('dashboard-wrong') }, origin))
        .status,
    ).to.equal(401);
    const dashboard = await form(
      `${proxy.adminUrl}/dashboard/login`,
      { token: ADMIN_TOKEN },
      origin,
    );
    expect(dashboard.status).to.equal(303);
    const dashboardCookies = collectCookies(dashboard);
    expect(
      (await fetch(`${proxy.adminUrl}/api/policy`, { headers: { cookie: dashboardCookies } }))
        .status,
    ).to.be.below(500);

    // Everyone on the new engine: the facade answers /auth/*, the legacy user logs in there too.
    await waitForPolicyVersion(proxy, await setPolicy(db.url, 'percent = 100'));
    expect(
      (await json(p('/auth/login'), { email: legacyEmail, password: pw('facade-wrong') })).status,
    ).to.equal(401);
    const facadeLogin = await json(p('/auth/login'), {
      email: legacyEmail,
      password: legacyPassword,
    });
    expect(facadeLogin.status).to.equal(200);
    collectCookies(facadeLogin);
    const migrated = await form(p('/fu_auth/jwt/login'), {
      username: legacyEmail,
      password: legacyPassword,
    });
    secret('JWT', ((await migrated.json()) as { access_token: string }).access_token);
  }

  async function storedSecrets(): Promise<void> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = async (what: string, sql: string) => {
        for (const row of (await client.query<{ v: string | null }>(sql)).rows) secret(what, row.v);
      };
      await rows('legacy password hash', 'SELECT hashed_password AS v FROM users');
      await rows('new-engine password hash', 'SELECT hashed_password AS v FROM fu_users');
      await rows('legacy session id', 'SELECT sid AS v FROM session');
      await rows('database token', 'SELECT token AS v FROM fu_access_tokens');
      await rows('facade session', 'SELECT token AS v FROM fu_facade_sessions');
    } finally {
      await client.end();
    }
  }

  it('when the hostile session is over, then no log line of either process holds a secret', async () => {
    await hostileSession();
    await storedSecrets();
    const lines = [
      ...monolith.proc
        .output()
        .split('\n')
        .map((line) => ['monolith', line] as const),
      ...proxy.proc
        .output()
        .split('\n')
        .map((line) => ['proxy', line] as const),
    ].filter(([, line]) => line.trim() !== '');

    // The logs did record the session (at info), so an empty search means something.
    const monolithLog = monolith.proc.output();
    expect(monolithLog).to.contain('"url":"/reset-password?token=[redacted]"');
    expect(monolithLog).to.contain('refuse_marked'); // the failing query was logged, by constraint
    expect(proxy.proc.output()).to.contain('"msg":"proxied"');
    expect(secrets.size).to.be.greaterThan(25);

    const hits: string[] = [];
    for (const [process, line] of lines)
      for (const [value, what] of secrets)
        if (line.includes(value)) hits.push(`${process}: ${what} in ${line.slice(0, 300)}`);
    // A hash that never reached a table (the refused rows) is still a hash: none by its shape.
    for (const [process, line] of lines)
      if (HASH_SHAPE.test(line)) hits.push(`${process}: a password hash in ${line.slice(0, 300)}`);
    expect(hits).to.deep.equal([]);
  });
});
