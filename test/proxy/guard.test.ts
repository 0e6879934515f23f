/**
 * The design's "Guard" (docs/design/design.md): the guard sees only what the policy
 * did. It counts 5xx answers to requests the policy routed to the new arm for an identified user,
 * and trips only when they come from more than one client address, so an anonymous client cannot
 * roll the rollout back. Real processes; the new arm is a port nobody listens on (every request
 * routed there gets a 502).
 */
import { expect } from 'chai';
import { decideForEmail } from '../../proxy/policy/decide.js';
import { eventually } from '../helpers/eventually.js';
import { uniqueEmail } from '../helpers/factories.js';
import { freePort } from '../helpers/processes.js';
import {
  migratedScratchDatabase,
  setPolicy,
  startMonolith,
  startProxy,
  waitForPolicyVersion,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { readPolicy } from '../helpers/proxy-policy.js';
import { rawSend } from '../helpers/raw-http.js';

interface GuardView {
  arms: { new: { requests: number; errors: number } };
  error_clients: number;
  last_trip: { reason: string } | null;
}

describe('proxy processes: the guard counts only what the policy routed', function () {
  this.timeout(90_000);
  let db: { url: string; drop(): Promise<void> };
  let monolith: Monolith;
  const started: ProxyProcess[] = [];

  /** A fresh proxy whose new arm refuses every connection, at 50 %. */
  const guardedProxy = async () => {
    const p = await startProxy(db.url, {
      PORT: String(monolith.port),
      NEW_UPSTREAM_URL: `http://127.0.0.1:${await freePort()}`,
      PROXY_RETRY_ON_LEGACY: 'off',
      PROXY_GUARD_MIN_REQUESTS: '20',
      PROXY_GUARD_ERROR_RATE: '0.5',
      PROXY_GUARD_WINDOW_SECONDS: '60',
    });
    started.push(p);
    await waitForPolicyVersion(p, await setPolicy(db.url, 'percent = 50, killed = false'));
    return p;
  };
  const guardOf = async (p: ProxyProcess) =>
    (await (await p.admin('/api/guard')).json()) as GuardView;
  /** E-mails the current policy puts on the new arm. */
  const newArmEmails = async (n: number) => {
    const policy = await readPolicy(db.url);
    const emails: string[] = [];
    while (emails.length < n) {
      const email = uniqueEmail('guarded');
      if (decideForEmail(email, policy).arm === 'new') emails.push(email);
    }
    return emails;
  };
  const login = (p: ProxyProcess, email: string, localAddress?: string) =>
    rawSend(`${p.url}/auth/login`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'whatever-1' }),
      ...(localAddress ? { localAddress } : {}),
    });

  before(async () => {
    db = await migratedScratchDatabase();
    monolith = await startMonolith(db.url);
  });
  after(async () => {
    await Promise.all([...started.map((p) => p.proc.stop()), monolith?.proc.stop()]);
    await db?.drop();
  });

  it('when anonymous clients flood /fu_auth and /auth with requests that fail on the new arm, then nothing is counted and the rollout stays', async () => {
    const p = await guardedProxy();
    for (let i = 0; i < 60; i++) {
      const res = await rawSend(`${p.url}/fu_auth/register`, {
        headers: { 'content-type': 'application/json' },
        body: `${'['.repeat(5000)}${']'.repeat(5000)}`,
      });
      expect(res.status).to.equal(502);
      await rawSend(`${p.url}/auth/me`, { method: 'GET', headers: { cookie: 'crm.sid=fu.x' } });
    }
    const guard = await guardOf(p);
    expect(guard.arms.new).to.deep.equal({ requests: 0, errors: 0 });
    expect(guard.last_trip).to.equal(null);
    expect((await readPolicy(db.url)).percent).to.equal(50);
  });

  it('when identified users fail on the new arm from one client address only, then the guard holds', async () => {
    const p = await guardedProxy();
    for (const email of await newArmEmails(30)) {
      const res = await login(p, email);
      expect(res.status).to.equal(502);
      expect(res.headers['x-authshift-arm']).to.equal('new');
    }
    const guard = await guardOf(p);
    expect(guard.arms.new).to.deep.equal({ requests: 30, errors: 30 });
    expect(guard.error_clients).to.equal(1);
    expect(guard.last_trip).to.equal(null);
    expect((await readPolicy(db.url)).percent).to.equal(50);
  });

  it('when identified users fail on the new arm from two client addresses, then the guard sets the percentage to 0', async () => {
    const p = await guardedProxy();
    // The 20th error (the minimum sample) trips the guard.
    const emails = await newArmEmails(20);
    for (const [i, email] of emails.entries())
      expect((await login(p, email, i % 2 ? '127.0.0.2' : '127.0.0.3')).status).to.equal(502);
    await eventually(async () => (await readPolicy(db.url)).percent === 0, {
      timeoutMs: 5000,
      what: 'the guard sets the percentage to 0',
    });
    const policy = await readPolicy(db.url);
    expect(policy).to.deep.include({ percent: 0, updatedBy: 'guard' });
    expect((await guardOf(p)).last_trip?.reason).to.equal(policy.reason);
  });
});
