import { createRequire } from 'node:module';
import { parse } from 'node:url';
import { expect } from 'chai';
import fc from 'fast-check';
import { upstreamTarget } from '../../../../proxy/http/request-target.js';

/** http-proxy's own path join, loaded from the package to pin the equivalence to the real thing. */
const { urlJoin } = createRequire(import.meta.url)('http-proxy/lib/http-proxy/common.js') as {
  urlJoin(...parts: string[]): string;
};
/** What http-proxy forwarded before the proxy computed the target itself (undefined: it threw). */
const httpProxyPath = (url: string) => {
  try {
    return urlJoin('/', parse(url).path ?? '');
  } catch {
    return undefined;
  }
};

const targetChars = fc.constantFrom(
  ...'abcXYZ019-._~!$&\'()*+,;=:@/?%#\\ "<>^`{|}[]é'.split(''),
  'http:/',
  '//',
);

describe('request target', () => {
  for (const [url, expected] of [
    ['/auth/me', '/auth/me'],
    ['/auth/login?next=%2Fhome&x=a:b@c', '/auth/login?next=%2Fhome&x=a:b@c'],
    ['http://example.test/fu_auth/register?x=1', '/fu_auth/register?x=1'],
    ['//fu_auth/register', '/fu_auth/register'],
    ['//evil@example.test/fu_auth/register', '/fu_auth/register'],
    ['/fu_auth\\register?a\\b', '/fu_auth/register?a\\b'],
    ['/api//contacts', '/api/contacts'],
    ['/auth/me#fragment', '/auth/me'],
    ['*', '/*'],
    ['//a@]', undefined],
  ] as const) {
    it(`when the client sends ${url}, then the upstream target is ${expected ?? 'none (400)'}`, () => {
      expect(upstreamTarget(url)).to.equal(expected);
    });
  }

  it('when any target arrives, then the result is what http-proxy itself would have forwarded', () => {
    fc.assert(
      fc.property(fc.array(targetChars, { maxLength: 30 }), (parts) => {
        const url = `/${parts.join('')}`;
        expect(upstreamTarget(url)).to.equal(httpProxyPath(url));
      }),
      { numRuns: 20_000 },
    );
  });

  it('when http-proxy joins the result to the target path again, then nothing changes (the upstream gets what was classified)', () => {
    fc.assert(
      fc.property(fc.array(targetChars, { maxLength: 30 }), (parts) => {
        const target = upstreamTarget(`/${parts.join('')}`);
        if (target !== undefined) expect(urlJoin('/', target)).to.equal(target);
      }),
      { numRuns: 20_000 },
    );
  });
});
