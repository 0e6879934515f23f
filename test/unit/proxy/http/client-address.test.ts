import type { IncomingMessage } from 'node:http';
import { expect } from 'chai';
import { clientAddress } from '../../../../proxy/http/client-address.js';

const req = (peer: string, xff?: string | string[]) =>
  ({
    socket: { remoteAddress: peer },
    headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
  }) as unknown as IncomingMessage;

describe('client address (what the guard counts distinct clients by)', () => {
  it('when forwarded headers are not trusted, then the peer, whatever the client claims', () => {
    expect(clientAddress(req('10.0.0.9', '1.2.3.4'), false)).to.equal('10.0.0.9');
  });

  it('when behind a trusted balancer, then the last X-Forwarded-For entry (the one it appended)', () => {
    expect(clientAddress(req('10.0.0.9', 'spoofed, 203.0.113.7'), true)).to.equal('203.0.113.7');
    expect(clientAddress(req('10.0.0.9', ['a', 'b, 198.51.100.2']), true)).to.equal('198.51.100.2');
    expect(clientAddress(req('10.0.0.9'), true)).to.equal('10.0.0.9');
    expect(clientAddress(req('10.0.0.9', ' '), true)).to.equal('10.0.0.9');
  });
});
