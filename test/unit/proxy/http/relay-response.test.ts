import { expect } from 'chai';
import { relayedHeaders } from '../../../../proxy/http/relay-response.js';

const pairs = (flat: (string | string[])[]) => {
  const out: [string, string | string[]][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as string, flat[i + 1]!]);
  return out;
};

describe('relayed response headers', () => {
  it('when the upstream answers, then the proxy headers come first and end-to-end headers follow unchanged', () => {
    const flat = relayedHeaders(
      {
        'content-type': 'application/json',
        'content-length': '12',
        'set-cookie': ['a=1; Path=/', 'b=2; Path=/'],
        'cache-control': 'no-store',
      },
      { requestId: 'req-1', arm: 'new' },
    );
    expect(pairs(flat)).to.deep.equal([
      ['x-request-id', 'req-1'],
      ['x-authshift-arm', 'new'],
      ['content-type', 'application/json'],
      ['content-length', '12'],
      ['set-cookie', ['a=1; Path=/', 'b=2; Path=/']],
      ['cache-control', 'no-store'],
    ]);
  });

  it('when the upstream sends hop-by-hop headers, then none of them, nor those its Connection names, reach the client', () => {
    const flat = relayedHeaders(
      {
        connection: 'keep-alive, X-Hop',
        'keep-alive': 'timeout=65',
        'proxy-connection': 'keep-alive',
        'transfer-encoding': 'chunked',
        'x-hop': 'secret',
        'x-end-to-end': 'kept',
      },
      { requestId: 'req-2' },
    );
    expect(pairs(flat)).to.deep.equal([
      ['x-request-id', 'req-2'],
      ['x-end-to-end', 'kept'],
    ]);
  });

  it("when the upstream sets its own x-request-id or arm header, then its request id is kept and the proxy's arm wins", () => {
    const flat = relayedHeaders(
      { 'x-request-id': 'from-upstream', 'x-authshift-arm': 'spoofed' },
      { requestId: 'req-3', arm: 'legacy' },
    );
    expect(pairs(flat)).to.deep.equal([
      ['x-authshift-arm', 'legacy'],
      ['x-request-id', 'from-upstream'],
    ]);
  });

  it('when the arm header is switched off, then an upstream arm header passes as any other header', () => {
    const flat = relayedHeaders({ 'x-authshift-arm': 'upstream' }, { requestId: 'req-4' });
    expect(pairs(flat)).to.deep.equal([
      ['x-request-id', 'req-4'],
      ['x-authshift-arm', 'upstream'],
    ]);
  });
});
