/**
 * Property, through a real proxy process in front of the real monolith at 50 %: no generated
 * request (any route of either surface, any method, path parameter, query, header, content type,
 * encoding or body, with or without a real credential) gets a 5xx, whichever arm serves it or
 * whether the proxy answers itself, and every JSON error is in the path's surface format.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import pg from 'pg';
import request from 'supertest';
import { uniqueEmail } from '../helpers/factories.js';
import {
  answerProblem,
  credentialsAt,
  describeRequest,
  fuzzRequest,
  hostileExamples,
  sendFuzz,
} from '../helpers/fuzz-requests.js';
import {
  migratedScratchDatabase,
  setPolicy,
  startMonolith,
  startProxy,
  waitForPolicyVersion,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';

describe('proxy processes, property: input never causes a 5xx through the proxy', function () {
  this.timeout(120_000);
  let db: { url: string; drop(): Promise<void> };
  let monolith: Monolith;
  let proxy: ProxyProcess;
  let superuser = '';

  async function sql(text: string, value: string): Promise<void> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(text, [value]);
    } finally {
      await client.end();
    }
  }

  before(async () => {
    db = await migratedScratchDatabase();
    monolith = await startMonolith(db.url);
    proxy = await startProxy(db.url, { PORT: String(monolith.port) });
    await waitForPolicyVersion(proxy, await setPolicy(db.url, 'percent = 50'));
    const email = uniqueEmail('fuzz-admin');
    const password = 'fuzz-admin-password-1';
    await request(proxy.url).post('/fu_auth/register').send({ email, password }).expect(201);
    await sql('UPDATE fu_users SET is_superuser = true WHERE email = $1', email);
    const login = await request(proxy.url)
      .post('/fu_auth/jwt/login')
      .type('form')
      .send({ username: email, password })
      .expect(200);
    superuser = `Bearer ${login.body.access_token as string}`;
  });
  after(async () => {
    await Promise.all([proxy?.proc.stop(), monolith?.proc.stop()]);
    await db?.drop();
  });

  it('when generated requests reach every route through the proxy, then none answers 5xx or another surface format', async () => {
    const credentials = credentialsAt(proxy.url, {
      superuserBearer: () => superuser,
      promoteToAdmin: (email) => sql(`UPDATE users SET role = 'admin' WHERE email = $1`, email),
    });
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (req) => {
        const res = await sendFuzz(proxy.url, req, credentials);
        expect(answerProblem(req, res), describeRequest(req)).to.equal(null);
      }),
      { seed: 20261204, examples: hostileExamples().map((req) => [req]), numRuns: 200 },
    );
  });
});
