import { expect } from 'chai';
import {
  overrideSigningInput,
  signOverride,
  verifyOverride,
} from '../../../../proxy/policy/override.js';

const SECRET = 'override-secret-for-unit-tests';
const NOW = 1_800_000_000;

describe('signed override (x-authshift-force-arm + x-authshift-signature)', () => {
  it('when signed with the secret and unexpired, then the arm is honoured', () => {
    const signature = signOverride(SECRET, 'new', NOW + 60);
    expect(verifyOverride('new', signature, SECRET, NOW)).to.deep.equal({ arm: 'new' });
  });

  it('when the signature is computed by the documented recipe, then it matches', async () => {
    const { createHmac } = await import('node:crypto');
    const mac = createHmac('sha256', SECRET)
      .update('authshift-force-arm:v1:legacy:1800000060')
      .digest('hex');
    expect(overrideSigningInput('legacy', NOW + 60)).to.equal(
      'authshift-force-arm:v1:legacy:1800000060',
    );
    expect(signOverride(SECRET, 'legacy', NOW + 60)).to.equal(`v1.1800000060.${mac}`);
  });

  const cases: [string, string | undefined, string | undefined, string][] = [
    ['there is no signature', 'new', undefined, 'unsigned'],
    ['the arm is unknown', 'blue', signOverride(SECRET, 'new', NOW + 60), 'malformed'],
    ['the signature is not in v1 form', 'new', 'deadbeef', 'malformed'],
    [
      'it is signed with another secret',
      'new',
      signOverride('another-secret-entirely', 'new', NOW + 60),
      'bad_signature',
    ],
    [
      'it was signed for the other arm',
      'new',
      signOverride(SECRET, 'legacy', NOW + 60),
      'bad_signature',
    ],
    [
      'the expiry was edited',
      'new',
      signOverride(SECRET, 'new', NOW + 60).replace(`${NOW + 60}`, `${NOW + 99}`),
      'bad_signature',
    ],
    ['it has expired', 'new', signOverride(SECRET, 'new', NOW - 1), 'expired'],
    [
      'it claims to live longer than a day',
      'new',
      signOverride(SECRET, 'new', NOW + 2 * 86400),
      'expired',
    ],
  ];
  for (const [when, arm, signature, why] of cases) {
    it(`when ${when}, then it is ignored as ${why}`, () => {
      expect(verifyOverride(arm, signature, SECRET, NOW)).to.deep.equal({ rejected: why });
    });
  }

  it('when no override header is sent, then there is nothing to verify or count', () => {
    expect(verifyOverride(undefined, 'v1.1.aa', SECRET, NOW)).to.equal(undefined);
  });
});
