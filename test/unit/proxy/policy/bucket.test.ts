import { expect } from 'chai';
import fc from 'fast-check';
import { BUCKETS, bucketOf } from '../../../../proxy/policy/bucket.js';
import { decideForEmail } from '../../../../proxy/policy/decide.js';
import { canonicalEmail } from '../../../../src/lib/identity/canonical-email.js';
import { FAIL_SAFE_POLICY, type RolloutPolicy } from '../../../../proxy/policy/rollout-policy.js';

const policy = (percent: number, salt = 'unit-salt'): RolloutPolicy => ({
  ...FAIL_SAFE_POLICY,
  version: 1,
  salt,
  percent,
});
const emails = (n: number) =>
  Array.from({ length: n }, (_, i) => `user${i}@synthetic${i % 7}.test`);

describe('bucket (SHA-256 of salt:normalised e-mail → 0..9999)', () => {
  it('when computed for a known input, then it is the documented reduction of the digest', () => {
    // sha256("s1:ann@example.com") starts 4d0a6d660ddcfa96 = 5551369775774235286; mod 10000 = 5286
    expect(bucketOf('s1', 'ann@example.com')).to.equal(5286);
    expect(bucketOf('s1', '  ANN@Example.COM\t')).to.equal(5286);
  });

  it('when the e-mail differs only in ASCII case or edge whitespace, then the bucket is the same', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.string(), (email, salt) => {
        expect(bucketOf(salt, ` ${email.toUpperCase()} `)).to.equal(bucketOf(salt, email));
      }),
      { numRuns: 200 },
    );
  });

  it('when normalising, then only ASCII letters are lower-cased (as SQL does under any collation)', () => {
    expect(canonicalEmail(' ÄNN@Example.COM ')).to.equal('Änn@example.com');
  });

  it('when 10 000 synthetic e-mails are split, then each percentage lands within ±1 point', () => {
    const all = emails(10_000);
    const buckets = all.map((e) => bucketOf('unit-salt', e));
    expect(Math.min(...buckets)).to.be.at.least(0);
    expect(Math.max(...buckets)).to.be.below(BUCKETS);
    for (const percent of [0.5, 1, 5, 10, 25, 33.33, 50, 75, 99]) {
      const onNew = all.filter((e) => decideForEmail(e, policy(percent)).arm === 'new').length;
      expect(Math.abs((onNew / all.length) * 100 - percent), `${percent}%`).to.be.at.most(1);
    }
    expect(all.filter((e) => decideForEmail(e, policy(0)).arm === 'new')).to.have.length(0);
    expect(all.filter((e) => decideForEmail(e, policy(100)).arm === 'new')).to.have.length(10_000);
  });

  it('when the percentage grows (e.g. 10% → 20%), then nobody moves from new back to legacy', () => {
    const percent = fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100);
    fc.assert(
      fc.property(fc.emailAddress(), fc.string(), percent, percent, (email, salt, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        if (decideForEmail(email, policy(low, salt)).arm === 'new')
          expect(decideForEmail(email, policy(high, salt)).arm).to.equal('new');
      }),
      { numRuns: 2000 },
    );
    const moved = emails(2000).filter(
      (e) =>
        decideForEmail(e, policy(10)).arm === 'new' && decideForEmail(e, policy(20)).arm !== 'new',
    );
    expect(moved).to.deep.equal([]);
  });

  it('when the salt changes, then users are reshuffled', () => {
    const all = emails(1000);
    const same = all.filter((e) => bucketOf('a', e) === bucketOf('b', e)).length;
    expect(same).to.be.below(10);
  });
});
