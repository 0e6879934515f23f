import { expect } from 'chai';
import type { RequestListener } from 'node:http';
import net from 'node:net';
import { QueryTypes } from 'sequelize';
import { createExpressApp, hotPathsDeps } from '../../src/app.js';
import { createHotPaths, withHotPaths } from '../../src/hot-paths/hot-paths.js';
import { manualClock } from '../../src/lib/clock.js';
import { ROUTE_COOKIE } from '../../src/lib/contracts/cookies.js';
import { memoryLogger } from '../../src/lib/logger.js';
import { createLegacyUser } from '../helpers/factories.js';
import { serve } from '../helpers/ops.js';
import { rawSend, type RawResponse } from '../helpers/raw-http.js';
import { combine, mintCredential, type CredentialKind, type Headers } from '../helpers/sessions.js';
import { buildTestDeps } from '../helpers/test-deps.js';
import type { AppDeps } from '../../src/deps.js';

type Server = Awaited<ReturnType<typeof serve>>;

/** What a client can tell apart: status, header lines in order (Date and cookie dates aside), body. */
function wire(res: RawResponse) {
  const lines: string[] = [];
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i]!;
    let value = res.rawHeaders[i + 1]!;
    if (name.toLowerCase() === 'date') value = '<date>';
    if (name.toLowerCase() === 'set-cookie')
      value = value.replace(/Expires=[^;]+/, 'Expires=<date>');
    lines.push(`${name}: ${value}`);
  }
  return { status: res.status, lines, text: res.text };
}

const accessLine = (line: string) => {
  const { level, msg, req, res } = JSON.parse(line) as Record<string, unknown>;
  return { level, msg, req, res };
};

/**
 * The hot paths (src/hot-paths) answer the plain GETs without Express. Each request here goes to
 * two servers on the same deps: the Express app alone, and the monolith's listener (hot paths in
 * front of the same app, counted). A hot answer must be the app's answer, byte for byte apart from
 * dates, with the same access line and the same session touch; everything else must reach the app.
 */
describe('hot paths: the plain authenticated GETs answered without Express', () => {
  let deps: AppDeps;
  let appOnly: Server;
  let monolith: Server;
  let appCalls = 0;
  const appLog = memoryLogger('info');
  const hotLog = memoryLogger('info');
  const credentials = {} as Record<CredentialKind, Headers>;
  let email = '';
  let password = '';
  const sidOf = (cookie: string) =>
    decodeURIComponent(cookie.split('=')[1]!).slice(2).split('.')[0]!;

  before(async () => {
    // A clock that stands still: both servers sign the same routing claim.
    deps = buildTestDeps({ clock: manualClock(new Date()) });
    await deps.start();
    appOnly = await serve(createExpressApp({ ...deps, logger: appLog.logger }));
    const app = createExpressApp({ ...deps, logger: hotLog.logger });
    const counted: RequestListener = (req, res) => {
      appCalls += 1;
      app(req, res);
    };
    const hot = createHotPaths({ ...hotPathsDeps(deps), logger: hotLog.logger });
    monolith = await serve(withHotPaths(hot, counted));
    const person = await createLegacyUser(deps.sequelize);
    email = person.email;
    password = person.password;
    for (const kind of [
      'legacy session',
      'facade session',
      'fastapiusersauth cookie',
      'bearer JWT',
    ] as const)
      credentials[kind] = await mintCredential(appOnly.url, kind, person.email, person.password);
    // A contact, so /api/contacts has a list to send.
    await rawSend(`${appOnly.url}/api/contacts`, {
      headers: { ...credentials['bearer JWT'], 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Hot' }),
    });
  });
  after(async () => {
    await monolith?.close();
    await appOnly?.close();
    await deps?.close();
  });

  /** The same request to both servers; returns both answers. */
  async function both(path: string, headers: Headers, method = 'GET') {
    const init = { method, headers: { 'x-request-id': 'hot-paths-test', ...headers } };
    const fromApp = await rawSend(`${appOnly.url}${path}`, init);
    const before = appCalls;
    const fromMonolith = await rawSend(`${monolith.url}${path}`, init);
    return { fromApp, fromMonolith, appCalled: appCalls - before };
  }

  const cases: [string, CredentialKind][] = [
    ['/auth/me', 'legacy session'],
    ['/auth/me', 'facade session'],
    ['/auth/me', 'fastapiusersauth cookie'],
    ['/auth/me', 'bearer JWT'],
    ['/api/contacts', 'legacy session'],
    ['/api/contacts', 'facade session'],
    ['/api/contacts', 'fastapiusersauth cookie'],
    ['/api/contacts', 'bearer JWT'],
    ['/fu_auth/users/me', 'fastapiusersauth cookie'],
    ['/fu_auth/users/me', 'bearer JWT'],
  ];

  for (const [path, kind] of cases) {
    it(`when GET ${path} comes with a ${kind}, then it is answered without Express, exactly as the app answers`, async () => {
      const { fromApp, fromMonolith, appCalled } = await both(path, credentials[kind]);
      expect(appCalled, 'requests the app saw').to.equal(0);
      expect(fromApp.status).to.equal(200);
      expect(wire(fromMonolith)).to.deep.equal(wire(fromApp));
      expect(fromApp.text).to.include(path === '/api/contacts' ? '"Hot"' : email.toLowerCase());
    });
  }

  it('when the request already holds a fresh routing claim, then neither answer sets one', async () => {
    const first = await rawSend(`${appOnly.url}/auth/me`, {
      method: 'GET',
      headers: credentials['bearer JWT'],
    });
    const claim = ([] as string[])
      .concat(first.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith(`${ROUTE_COOKIE}=`))!
      .split(';')[0]!;
    const { fromApp, fromMonolith, appCalled } = await both(
      '/auth/me',
      combine(credentials['legacy session'], { cookie: claim }),
    );
    expect(appCalled).to.equal(0);
    expect(fromApp.headers['set-cookie']).to.equal(undefined);
    expect(wire(fromMonolith)).to.deep.equal(wire(fromApp));
  });

  it('when a hot answer is sent, then its access line is the one the app writes', async () => {
    const appLines = appLog.lines().length;
    const hotLines = hotLog.lines().length;
    await both('/api/contacts', credentials['facade session']);
    const [fromApp] = appLog.lines().slice(appLines).map(accessLine);
    const [fromHot] = hotLog.lines().slice(hotLines).map(accessLine);
    expect(fromApp).to.deep.include({ msg: 'request completed' });
    expect(fromHot).to.deep.equal(fromApp);
  });

  it('when a legacy session is used, then its expiry is renewed as express-session renews it', async () => {
    const sid = sidOf(credentials['legacy session'].cookie!);
    const expiry = async () => {
      const [row] = await deps.sequelize.query<{ seconds: number }>(
        'SELECT extract(epoch FROM expire - now())::float8 AS seconds FROM session WHERE sid = $1',
        { bind: [sid], type: QueryTypes.SELECT },
      );
      return row!.seconds;
    };
    const shorten = () =>
      deps.sequelize.query("UPDATE session SET expire = now() + interval '1 hour' WHERE sid = $1", {
        bind: [sid],
      });
    const maxAge = deps.config.legacy.sessionMaxAgeSeconds;
    for (const server of [appOnly, monolith]) {
      await shorten();
      expect(await expiry()).to.be.below(3601);
      const before = appCalls;
      const res = await rawSend(`${server.url}/auth/me`, {
        method: 'GET',
        headers: credentials['legacy session'],
      });
      expect(res.status).to.equal(200);
      if (server === monolith) expect(appCalls - before, 'served without the app').to.equal(0);
      expect(await expiry(), server.url).to.be.within(maxAge - 60, maxAge + 1);
    }
  });

  const notPlain: [string, string, Headers, string][] = [
    ['no credential', '/auth/me', {}, 'GET'],
    ['a bad session signature', '/auth/me', { cookie: 'crm.sid=s:abc.def' }, 'GET'],
    ['a bearer that is no JWT', '/fu_auth/users/me', { authorization: 'Bearer nope' }, 'GET'],
    ['a query string', '/auth/me?x=1', {}, 'GET'],
    ['another case', '/AUTH/ME', {}, 'GET'],
    ['a trailing slash', '/fu_auth/users/me/', {}, 'GET'],
    ['HEAD', '/api/contacts', {}, 'HEAD'],
    ['a body that is not JSON', '/api/contacts', { 'content-type': 'application/json' }, 'GET'],
  ];
  for (const [what, path, extra, method] of notPlain) {
    it(`when the request has ${what}, then the app answers it`, async () => {
      const credential =
        what.includes('bad') || what.includes('no') ? {} : credentials['bearer JWT'];
      const { fromApp, fromMonolith, appCalled } = await both(
        path,
        { ...credential, ...extra },
        method,
      );
      expect(appCalled).to.equal(1);
      expect(wire(fromMonolith)).to.deep.equal(wire(fromApp));
    });
  }

  it('when the request is conditional on the ETag it has, then the app answers 304', async () => {
    const first = await rawSend(`${monolith.url}/auth/me`, {
      method: 'GET',
      headers: credentials['fastapiusersauth cookie'],
    });
    const etag = first.headers.etag!;
    expect(etag).to.match(/^W\//);
    const { fromApp, fromMonolith, appCalled } = await both('/auth/me', {
      ...credentials['fastapiusersauth cookie'],
      'if-none-match': etag,
    });
    expect(appCalled).to.equal(1);
    expect(fromApp.status).to.equal(304);
    expect(wire(fromMonolith)).to.deep.equal(wire(fromApp));
  });

  const stale: [string, () => Promise<string>][] = [
    ['a bad signature', async () => 'crm.sid=s:abc.def'],
    [
      'an expired session',
      async () => {
        const cookie = await mintCredential(appOnly.url, 'legacy session', email, password);
        await deps.sequelize.query(
          "UPDATE session SET expire = now() - interval '1 second' WHERE sid = $1",
          {
            bind: [sidOf(cookie.cookie!)],
          },
        );
        return cookie.cookie!;
      },
    ],
    [
      'a session without a login',
      async () => {
        const cookie = await mintCredential(appOnly.url, 'legacy session', email, password);
        await deps.sequelize.query(
          "UPDATE session SET sess = sess::jsonb - 'passport' WHERE sid = $1",
          { bind: [sidOf(cookie.cookie!)] },
        );
        return cookie.cookie!;
      },
    ],
  ];
  for (const [what, session] of stale) {
    it(`when a legacy session cookie with ${what} comes with a good bearer, then it is still answered without Express`, async () => {
      const headers = combine({ cookie: await session() }, credentials['bearer JWT']);
      const { fromApp, fromMonolith, appCalled } = await both('/api/contacts', headers);
      expect(appCalled).to.equal(0);
      expect(fromApp.status).to.equal(200);
      expect(wire(fromMonolith)).to.deep.equal(wire(fromApp));
    });
  }

  it('when the legacy session belongs to a disabled user, then the app answers (passport drops the login)', async () => {
    const other = await createLegacyUser(deps.sequelize);
    const cookie = await mintCredential(appOnly.url, 'legacy session', other.email, other.password);
    await deps.sequelize.query('UPDATE users SET is_active = 0 WHERE id = $1', {
      bind: [other.id],
    });
    const before = appCalls;
    const res = await rawSend(`${monolith.url}/auth/me`, { method: 'GET', headers: cookie });
    expect(appCalls - before).to.equal(1);
    expect(res.status).to.equal(401);
  });

  it('when the client hangs up before the answer, then the app never sees the request and one access line is written', async () => {
    const lines = memoryLogger('info');
    const app = createExpressApp(deps);
    let called = 0;
    let release!: () => void;
    const closed = new Promise<void>((resolve) => (release = resolve));
    const slow = createHotPaths({
      ...hotPathsDeps(deps),
      logger: lines.logger,
      // The credential is read only after the client is gone: then it names nobody.
      resolve: async () => {
        await closed;
        return null;
      },
    });
    const hot = withHotPaths(slow, (req, res) => {
      called += 1;
      app(req, res);
    });
    let served!: () => void;
    const done = new Promise<void>((resolve) => (served = resolve));
    let received!: () => void;
    const arrived = new Promise<void>((resolve) => (received = resolve));
    const server = await serve((req, res) => {
      received();
      res.on('close', () => {
        release();
        // The hot path settles on a later turn than this close event.
        setImmediate(served);
      });
      hot(req, res);
    });
    try {
      const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
      socket.write(
        `GET /auth/me HTTP/1.1\r\nHost: x\r\n${'Cookie: ' + credentials['facade session'].cookie}\r\n\r\n`,
      );
      socket.on('error', () => {});
      await arrived;
      socket.destroy();
      await done;
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(called).to.equal(0);
      expect(lines.lines().map(accessLine)).to.have.length(1);
    } finally {
      await server.close();
    }
  });

  it('when reading the credential fails, then nothing is written, the app answers with the same request id and a warning says so', async () => {
    const app = createExpressApp({ ...deps, logger: hotLog.logger });
    let called = 0;
    const failing = createHotPaths({
      ...hotPathsDeps(deps),
      logger: hotLog.logger,
      resolve: () => Promise.reject(new Error('the database went away')),
    });
    const logged = hotLog.lines().length;
    const server = await serve(
      withHotPaths(failing, (req, res) => {
        called += 1;
        app(req, res);
      }),
    );
    try {
      const res = await rawSend(`${server.url}/auth/me`, {
        method: 'GET',
        headers: credentials['facade session'],
      });
      expect(called).to.equal(1);
      expect(res.status).to.equal(200);
      expect(JSON.parse(res.text).user.email).to.equal(email.toLowerCase());
      const id = res.headers['x-request-id'];
      const lines = hotLog
        .lines()
        .slice(logged)
        .map((l) => JSON.parse(l) as { msg: string; req: { id: string } });
      expect(lines.map((l) => [l.msg, l.req.id])).to.deep.equal([
        ['hot path failed; the app answers', id],
        ['request completed', id],
      ]);
    } finally {
      await server.close();
    }
  });
});
