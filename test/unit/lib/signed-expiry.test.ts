import { expect } from 'chai';
import { signRouteClaim } from '../../../src/lib/contracts/route-claim.js';
import {
  signExpiring,
  verifyExpiring,
  type SignedExpiryFormat,
} from '../../../src/lib/signed-expiry.js';

const A: SignedExpiryFormat = { context: 'test-a', version: 'v1', payload: /[a-z]{1,10}/ };
const B: SignedExpiryFormat = { ...A, context: 'test-b' };

describe('signed expiring values (one format)', () => {
  it('when signed and verified before expiry, then the payload and expiry come back', () => {
    const value = signExpiring(A, 'secret', { payload: 'abc', expires: 2000 });
    expect(value).to.match(/^v1\.abc\.2000\.[A-Za-z0-9_-]{43}$/);
    expect(verifyExpiring(A, ['secret'], value, 1999)).to.deep.equal({
      payload: 'abc',
      expires: 2000,
    });
  });

  it('when expired, tampered, of another context or signed by an unknown secret, then null', () => {
    const value = signExpiring(A, 'secret', { payload: 'abc', expires: 2000 });
    expect(verifyExpiring(A, ['secret'], value, 2000)).to.equal(null);
    expect(verifyExpiring(A, ['secret'], value.replace('abc', 'abd'), 1)).to.equal(null);
    expect(verifyExpiring(A, ['secret'], value.replace('.2000.', '.2001.'), 1)).to.equal(null);
    expect(verifyExpiring(B, ['secret'], value, 1)).to.equal(null);
    expect(verifyExpiring(A, ['other'], value, 1)).to.equal(null);
    expect(verifyExpiring(A, ['secret'], `${value}x`, 1)).to.equal(null);
    expect(verifyExpiring(A, ['secret'], undefined, 1)).to.equal(null);
  });

  it('when a value verified once is asked again, then it is still checked for expiry, secrets and format', () => {
    const value = signExpiring(A, 'remembered', { payload: 'mem', expires: 3000 });
    expect(verifyExpiring(A, ['remembered'], value, 1)).to.deep.equal({
      payload: 'mem',
      expires: 3000,
    });
    // Remembered after the first verification: a later call still applies every rule.
    expect(verifyExpiring(A, ['remembered'], value, 2999)).to.not.equal(null);
    expect(verifyExpiring(A, ['remembered'], value, 3000)).to.equal(null);
    expect(verifyExpiring(A, ['other'], value, 1)).to.equal(null);
    expect(verifyExpiring(A, ['other', 'x'], value, 1)).to.equal(null);
    expect(verifyExpiring(B, ['remembered'], value, 1)).to.equal(null);
    expect(verifyExpiring(A, ['remembered'], value.replace('mem', 'mex'), 1)).to.equal(null);
  });

  it('when more values verify than are remembered, then each still verifies', () => {
    const values = Array.from({ length: 10_050 }, (_, i) =>
      signExpiring(A, 's', { payload: 'many', expires: 5000 + i }),
    );
    for (const [i, value] of values.entries())
      expect(verifyExpiring(A, ['s'], value, 1)?.expires).to.equal(5000 + i);
    expect(verifyExpiring(A, ['s'], values[0], 1)?.expires).to.equal(5000);
  });

  it('when the secret rotates, then a value signed by any listed secret verifies', () => {
    const old = signExpiring(A, 'old', { payload: 'abc', expires: 2000 });
    expect(verifyExpiring(A, ['new', 'old'], old, 1)?.payload).to.equal('abc');
  });

  it('when the routing claim is issued, then it is this format with its own context', () => {
    const claim = signRouteClaim('s', { email: 'a@b.test', expires: 2000 });
    const format: SignedExpiryFormat = {
      context: 'authshift-route',
      version: 'v1',
      payload: /[A-Za-z0-9_-]+/,
    };
    expect(verifyExpiring(format, ['s'], claim, 1)?.payload).to.equal(
      Buffer.from('a@b.test').toString('base64url'),
    );
  });
});
