import { expect } from 'chai';
import {
  applyChange,
  policyChangeSchema,
  samePolicy,
  type PolicyChange,
} from '../../../../proxy/control/policy-change.js';
import { FAIL_SAFE_POLICY, type RolloutPolicy } from '../../../../proxy/policy/rollout-policy.js';

const policy: RolloutPolicy = {
  ...FAIL_SAFE_POLICY,
  version: 4,
  salt: 'old-salt',
  allow: ['a@x.test'],
  domains: ['corp.test'],
};
const apply = (raw: unknown) =>
  applyChange(policy, policyChangeSchema.parse(raw) as PolicyChange, { salt: () => 'new-salt' });

describe('policy changes', () => {
  it('when an e-mail is allowed, then it is normalised, sorted and not duplicated', () => {
    expect(apply({ op: 'allow_add', email: ' Z@X.test ' }).allow).to.deep.equal([
      'a@x.test',
      'z@x.test',
    ]);
    expect(apply({ op: 'allow_add', email: 'A@x.test' }).allow).to.deep.equal(['a@x.test']);
  });

  it('when entries are removed, then only they go', () => {
    expect(apply({ op: 'allow_remove', email: 'a@x.test' }).allow).to.deep.equal([]);
    expect(apply({ op: 'domain_remove', domain: '@CORP.test' }).domains).to.deep.equal([]);
  });

  it('when each switch is flipped, then only that field changes', () => {
    expect(apply({ op: 'kill' }).killed).to.equal(true);
    expect(apply({ op: 'unkill' }).killed).to.equal(false);
    expect(apply({ op: 'gate_on' }).gateFuAuth).to.equal(true);
    expect(apply({ op: 'deny_add', email: 'd@x.test' }).deny).to.deep.equal(['d@x.test']);
    expect(apply({ op: 'salt_rotate' }).salt).to.equal('new-salt');
    expect(apply({ op: 'set_percent', percent: 12.34 }).percent).to.equal(12.34);
  });

  it('when nothing would change, then samePolicy says so (no audit row is written)', () => {
    expect(samePolicy(policy, apply({ op: 'unkill' }))).to.equal(true);
    expect(samePolicy(policy, apply({ op: 'set_percent', percent: 0.01 }))).to.equal(false);
  });

  const invalid: [string, unknown][] = [
    ['a percentage over 100', { op: 'set_percent', percent: 100.01 }],
    ['a negative percentage', { op: 'set_percent', percent: -1 }],
    ['three decimals', { op: 'set_percent', percent: 12.345 }],
    ['a percentage that is not a number', { op: 'set_percent', percent: Number('abc') }],
    ['an e-mail without @', { op: 'allow_add', email: 'nobody' }],
    ['a domain with an @ inside', { op: 'domain_add', domain: 'a@b.test' }],
    ['an unknown op', { op: 'explode' }],
  ];
  for (const [when, raw] of invalid) {
    it(`when given ${when}, then the change is refused`, () => {
      expect(policyChangeSchema.safeParse(raw).success).to.equal(false);
    });
  }
});
