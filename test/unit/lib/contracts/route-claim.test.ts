import { expect } from 'chai';
import { signRouteClaim, verifyRouteClaim } from '../../../../src/lib/contracts/route-claim.js';

const SECRET = 'routing-secret-for-unit-tests';

describe('routing claim', () => {
  const claim = { email: 'jos\u00e9@xn--bcher-kva.de', expires: 2_000 };

  it('when signed and verified with the same secret before it expires, then the e-mail comes back', () => {
    expect(verifyRouteClaim([SECRET], signRouteClaim(SECRET, claim), 1_999)).to.deep.equal(claim);
  });

  it('when verified during a rotation, then a claim signed with the previous secret is accepted', () => {
    const value = signRouteClaim('previous-secret-0123456789', claim);
    expect(verifyRouteClaim([SECRET, 'previous-secret-0123456789'], value, 1)).to.deep.equal(claim);
    expect(verifyRouteClaim([SECRET], value, 1)).to.equal(null);
  });

  it('when expired, then it is refused', () => {
    expect(verifyRouteClaim([SECRET], signRouteClaim(SECRET, claim), 2_000)).to.equal(null);
  });

  it('when the e-mail or expiry is changed, then the MAC no longer matches', () => {
    const value = signRouteClaim(SECRET, claim);
    const [v, , expires, mac] = value.split('.');
    const other = Buffer.from('victim@x.com').toString('base64url');
    expect(verifyRouteClaim([SECRET], [v, other, expires, mac].join('.'), 1)).to.equal(null);
    expect(verifyRouteClaim([SECRET], value.replace('.2000.', '.9000.'), 1)).to.equal(null);
  });

  it('when the value is a marker or garbage (fu.x, s:abc, empty), then it is refused', () => {
    for (const value of ['fu.x', 's:abc.def', '', 'v1...', undefined])
      expect(verifyRouteClaim([SECRET], value, 1)).to.equal(null);
  });
});
