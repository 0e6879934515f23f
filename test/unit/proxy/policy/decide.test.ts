import { expect } from 'chai';
import { bucketOf } from '../../../../proxy/policy/bucket.js';
import { decide, type Decision, type RequestFacts } from '../../../../proxy/policy/decide.js';
import { FAIL_SAFE_POLICY, type RolloutPolicy } from '../../../../proxy/policy/rollout-policy.js';

const SALT = 'table-salt';
const base: RolloutPolicy = { ...FAIL_SAFE_POLICY, version: 3, salt: SALT, percent: 0 };
const p = (overrides: Partial<RolloutPolicy>): RolloutPolicy => ({ ...base, ...overrides });

// Two users whose buckets sit on either side of 50%.
const low = ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test'].find((e) => bucketOf(SALT, e) < 5000)!;
const high = ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test', 'e@x.test'].find(
  (e) => bucketOf(SALT, e) >= 5000,
)!;

const table: [string, RequestFacts, RolloutPolicy, Decision['arm'], Decision['reason']][] = [
  [
    'kill beats everything',
    {
      email: 'vip@corp.test',
      override: 'new',
      claimEmail: 'vip@corp.test',
      credential: { kind: 'access' },
    },
    p({ killed: true, percent: 100, allow: ['vip@corp.test'] }),
    'legacy',
    'kill_switch',
  ],
  [
    'a signed override beats the lists and the claim',
    { email: 'no@corp.test', override: 'new', claimEmail: 'no@corp.test' },
    p({ deny: ['no@corp.test'] }),
    'new',
    'override',
  ],
  [
    'an override can pin to legacy',
    { email: 'vip@corp.test', override: 'legacy' },
    p({ allow: ['vip@corp.test'] }),
    'legacy',
    'override',
  ],
  [
    'the e-mail in the body beats the claim (a login names who logs in)',
    { email: 'vip@corp.test', claimEmail: 'someone@else.test' },
    p({ allow: ['vip@corp.test'] }),
    'new',
    'allow_list',
  ],
  [
    "a claimed user is decided by the policy's per-user rules (deny)",
    { claimEmail: 'no@corp.test' },
    p({ deny: ['no@corp.test'], percent: 100 }),
    'legacy',
    'deny_list',
  ],
  [
    'a claimed user follows the percentage on every request (0% → legacy)',
    { claimEmail: low },
    p({ percent: 0 }),
    'legacy',
    'percentage',
  ],
  ['… and 100% → new', { claimEmail: high }, p({ percent: 100 }), 'new', 'percentage'],
  [
    'the claim beats a credential',
    { claimEmail: 'no@corp.test', credential: { kind: 'access' } },
    p({ deny: ['no@corp.test'] }),
    'legacy',
    'deny_list',
  ],
  [
    'a verified access or reset token (gated /fu_auth) → new',
    { credential: { kind: 'reset' } },
    p({ percent: 0 }),
    'new',
    'credential',
  ],
  [
    'a verification token is decided by its e-mail',
    { credential: { kind: 'verify', email: 'out@corp.test' } },
    p({ percent: 0 }),
    'legacy',
    'percentage',
  ],
  ['no verified fact → legacy', {}, p({ percent: 100 }), 'legacy', 'anonymous'],
  [
    'deny beats allow',
    { email: 'both@corp.test' },
    p({ allow: ['both@corp.test'], deny: ['both@corp.test'] }),
    'legacy',
    'deny_list',
  ],
  [
    'deny beats domain and 100%',
    { email: 'x@corp.test' },
    p({ deny: ['x@corp.test'], domains: ['corp.test'], percent: 100 }),
    'legacy',
    'deny_list',
  ],
  [
    'allow matches the normalised e-mail',
    { email: '  VIP@Corp.Test ' },
    p({ allow: ['vip@corp.test'] }),
    'new',
    'allow_list',
  ],
  [
    'allow beats domain',
    { email: 'vip@corp.test' },
    p({ allow: ['vip@corp.test'], domains: ['corp.test'] }),
    'new',
    'allow_list',
  ],
  [
    'a domain cohort puts its users on new',
    { email: 'Someone@CORP.test' },
    p({ domains: ['corp.test'] }),
    'new',
    'domain_cohort',
  ],
  [
    'a sub-domain is not the cohort domain',
    { email: 'x@eu.corp.test' },
    p({ domains: ['corp.test'] }),
    'legacy',
    'percentage',
  ],
  ['a bucket under the threshold → new', { email: low }, p({ percent: 50 }), 'new', 'percentage'],
  [
    'a bucket at or over the threshold → legacy',
    { email: high },
    p({ percent: 50 }),
    'legacy',
    'percentage',
  ],
  ['0% → legacy', { email: low }, p({ percent: 0 }), 'legacy', 'percentage'],
  ['100% → new', { email: high }, p({ percent: 100 }), 'new', 'percentage'],
];

describe('decide(facts, policy)', () => {
  for (const [when, facts, policy, arm, reason] of table) {
    it(`when ${when}, then ${arm} (${reason})`, () => {
      const decision = decide(facts, policy);
      expect({ arm: decision.arm, reason: decision.reason }).to.deep.equal({ arm, reason });
    });
  }

  it('when the policy decides for an identified user, then it says how the user was identified (the guard counts only those)', () => {
    expect(decide({ email: low }, p({})).identifiedBy).to.equal('body');
    expect(decide({ claimEmail: low }, p({})).identifiedBy).to.equal('claim');
    expect(decide({ credential: { kind: 'access' } }, p({})).identifiedBy).to.equal('credential');
    for (const facts of [{}, { override: 'new' as const, email: low }])
      expect(decide(facts, p({})).identifiedBy).to.equal(undefined);
    expect(decide({ email: low }, p({ killed: true })).identifiedBy).to.equal(undefined);
  });

  it('when the percentage rule decides, then the bucket is reported', () => {
    expect(decide({ email: low }, p({ percent: 50 })).bucket).to.equal(bucketOf(SALT, low));
  });

  it('when the threshold is fractional (0.01% steps), then bucket < percent×100 decides', () => {
    const email = ['a@y.test', 'b@y.test', 'c@y.test', 'd@y.test', 'e@y.test', 'f@y.test'][0]!;
    const bucket = bucketOf(SALT, email);
    expect(decide({ email }, p({ percent: (bucket + 1) / 100 })).arm).to.equal('new');
    expect(decide({ email }, p({ percent: bucket / 100 })).arm).to.equal('legacy');
  });
});
