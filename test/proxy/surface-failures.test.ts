/**
 * The proxy's own failure answers take the format of the path's surface: a `/fu_auth` route
 * answers fastapi-users' `{"detail": …}` even when the proxy, not the monolith, writes the answer
 * (an upstream that cannot be reached); every other path keeps the proxy's legacy-shaped JSON.
 */
import { expect } from 'chai';
import { freePort } from '../helpers/processes.js';
import { migratedScratchDatabase, startProxy, type ProxyProcess } from '../helpers/proxy-stack.js';

describe('proxy processes: failure answers in the surface format', function () {
  this.timeout(60_000);
  let db: { url: string; drop(): Promise<void> };
  let proxy: ProxyProcess;

  before(async () => {
    db = await migratedScratchDatabase();
    // Nothing listens on this port: every upstream connection is refused.
    proxy = await startProxy(db.url, {
      PORT: String(await freePort()),
      PROXY_RETRY_ON_LEGACY: 'false',
    });
  });
  after(async () => {
    await proxy?.proc.stop();
    await db?.drop();
  });

  it('when the upstream cannot be reached on a /fu_auth route, then 502 {"detail":"Bad Gateway"}', async () => {
    for (const path of ['/fu_auth/users/me', '/FU_AUTH/register']) {
      const res = await fetch(`${proxy.url}${path}`, { method: 'POST' });
      expect(res.status, path).to.equal(502);
      expect(res.headers.get('content-type')).to.equal('application/json');
      expect(await res.json()).to.deep.equal({ detail: 'Bad Gateway' });
    }
  });

  it('when the upstream cannot be reached elsewhere, then the proxy JSON with the legacy "error" field', async () => {
    for (const path of ['/auth/me', '/fu_auth/legacy/me', '/api/contacts']) {
      const res = await fetch(`${proxy.url}${path}`);
      expect(res.status, path).to.equal(502);
      expect(await res.json()).to.deep.include({
        error: 'upstream_unavailable',
        code: 'UPSTREAM_UNAVAILABLE',
      });
    }
  });
});
