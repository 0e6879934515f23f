import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect } from 'chai';
import { canRetryOnLegacy, upstreamFailure } from '../../../../proxy/http/upstream-failure.js';
import type { RequestContext } from '../../../../proxy/http/request-context.js';
import { classifyRoute } from '../../../../proxy/http/route-table.js';
import { UpstreamTimeoutError } from '../../../../proxy/http/upstream-proxies.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('upstream failures', () => {
  for (const [error, kind] of [
    [new UpstreamTimeoutError(), 'timeout'],
    [errno('ECONNREFUSED'), 'refused'],
    [errno('ECONNRESET'), 'reset'],
    [errno('EHOSTUNREACH'), 'other'],
  ] as const) {
    it(`when the upstream fails with ${error.code}, then it counts as ${kind}`, () => {
      expect(upstreamFailure(error)).to.equal(kind);
    });
  }

  const req = { headers: {} } as IncomingMessage;
  const res = { headersSent: false } as ServerResponse;
  const ctx = (overrides: Partial<RequestContext> = {}): RequestContext => ({
    id: 'r',
    startedAt: 0n,
    route: classifyRoute('GET', '/auth/me'),
    arm: 'new',
    client: '127.0.0.1',
    guarded: true,
    originalUrl: '/auth/me',
    retried: false,
    ...overrides,
  });

  it('when the new arm refused a bodiless legacy auth request, then it may be retried on legacy once', () => {
    expect(canRetryOnLegacy(true, 'refused', req, res, ctx())).to.equal(true);
    expect(canRetryOnLegacy(true, 'refused', req, res, ctx({ retried: true }))).to.equal(false);
  });

  it('when the failure, arm, route, setting or a sent response rule it out, then no retry', () => {
    expect(canRetryOnLegacy(true, 'reset', req, res, ctx())).to.equal(false);
    expect(canRetryOnLegacy(true, 'refused', req, res, ctx({ arm: 'legacy' }))).to.equal(false);
    const api = ctx({ route: classifyRoute('GET', '/api/contacts') });
    expect(canRetryOnLegacy(true, 'refused', req, res, api)).to.equal(false);
    expect(canRetryOnLegacy(false, 'refused', req, res, ctx())).to.equal(false);
    const sent = { headersSent: true } as ServerResponse;
    expect(canRetryOnLegacy(true, 'refused', req, sent, ctx())).to.equal(false);
  });

  it('when the body was streamed rather than buffered, then it cannot be replayed', () => {
    const streamed = { headers: { 'content-length': '12' } } as IncomingMessage;
    expect(canRetryOnLegacy(true, 'refused', streamed, res, ctx())).to.equal(false);
    const buffered = ctx({ body: Buffer.from('{"email":1}') });
    expect(canRetryOnLegacy(true, 'refused', streamed, res, buffered)).to.equal(true);
  });
});
