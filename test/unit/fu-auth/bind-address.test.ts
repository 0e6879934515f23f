import { expect } from 'chai';
import { bindAddress } from '../../../src/fu-auth/lazy-migration.js';
import type { FuUser, LegacyHolder } from '../../../src/fu-auth/store/user-store.js';
import { addressKeeper } from '../../../src/users/address-keeper.js';

/**
 * Case-variant takeover: which account an address names on the new engine when old legacy data
 * holds case-only twins (docs/engines.md, "One identity, lazy migration, zero-loss write-back").
 */
describe('bindAddress (lazy migration never binds the wrong twin)', () => {
  const day = (n: number) => new Date(Date.UTC(2020, 0, n));
  const holder = (id: number, email: string, extra: Partial<LegacyHolder> = {}): LegacyHolder => ({
    legacyUserId: id,
    email,
    hashedPassword: null,
    isActive: true,
    isSuperuser: false,
    isVerified: false,
    createdAt: day(id),
    linked: false,
    ...extra,
  });
  const user = (legacyUserId: number, email: string): FuUser => ({
    id: `00000000-0000-4000-8000-00000000000${legacyUserId}`,
    email,
    hashedPassword: 'x',
    isActive: true,
    isSuperuser: false,
    isVerified: false,
    legacyUserId,
  });
  const named = (subject: ReturnType<typeof bindAddress>) =>
    subject === null
      ? null
      : subject.kind === 'user'
        ? `user ${subject.user.legacyUserId}`
        : `legacy ${subject.candidate.legacyUserId}`;

  it('when nobody holds the address, then nobody', () => {
    expect(named(bindAddress('ann@x.com', null, []))).to.equal(null);
  });

  it('when one legacy-only row holds it, then that row whatever the spelling typed', () => {
    expect(named(bindAddress('ANN@x.com', null, [holder(1, 'Ann@x.com')]))).to.equal('legacy 1');
  });

  it('when the one legacy row is linked to a user under another address, then nobody', () => {
    expect(
      named(bindAddress('ann@x.com', null, [holder(1, 'ann@x.com', { linked: true })])),
    ).to.equal(null);
  });

  it('when a user holds the address and has no twin, then the user whatever the spelling', () => {
    const u = user(1, 'Ann@x.com');
    expect(named(bindAddress('aNN@X.com', u, [holder(1, 'Ann@x.com', { linked: true })]))).to.equal(
      'user 1',
    );
    expect(named(bindAddress('ann@x.com', u, []))).to.equal('user 1'); // phase 2: no holders
  });

  describe('when twins hold the address', () => {
    const victim = holder(1, 'victor@x.com');
    const attacker = holder(2, 'VICTOR@x.com');

    it('then, none linked, only the exact spelling of the oldest binds', () => {
      expect(named(bindAddress('victor@x.com', null, [victim, attacker]))).to.equal('legacy 1');
      expect(named(bindAddress('VICTOR@x.com', null, [victim, attacker]))).to.equal(null);
      expect(named(bindAddress('Victor@x.com', null, [victim, attacker]))).to.equal(null);
    });

    it('then, none linked, the one confirmed twin binds even when it is newer', () => {
      const confirmed = { ...attacker, isVerified: true };
      expect(named(bindAddress('VICTOR@x.com', null, [victim, confirmed]))).to.equal('legacy 2');
      expect(named(bindAddress('victor@x.com', null, [victim, confirmed]))).to.equal(null);
    });

    it('then, none linked and both confirmed, nobody', () => {
      const both = [
        { ...victim, isVerified: true },
        { ...attacker, isVerified: true },
      ];
      expect(named(bindAddress('victor@x.com', null, both))).to.equal(null);
      expect(named(bindAddress('VICTOR@x.com', null, both))).to.equal(null);
    });

    it('then, one linked, only its own exact spelling names its user', () => {
      const linked = [{ ...victim, linked: true }, attacker];
      const u = user(1, 'victor@x.com');
      expect(named(bindAddress('victor@x.com', u, linked))).to.equal('user 1');
      expect(named(bindAddress('VICTOR@x.com', u, linked))).to.equal(null);
      expect(named(bindAddress('Victor@x.com', u, linked))).to.equal(null);
    });

    it('then, the newer twin linked (bound before this rule), the older one still binds nobody', () => {
      const linked = [victim, { ...attacker, linked: true }];
      const u = user(2, 'VICTOR@x.com');
      expect(named(bindAddress('victor@x.com', u, linked))).to.equal(null);
      expect(named(bindAddress('VICTOR@x.com', u, linked))).to.equal('user 2');
    });

    it('then, a twin linked to a user under another address, nobody', () => {
      const linked = [victim, { ...attacker, linked: true }];
      expect(named(bindAddress('victor@x.com', null, linked))).to.equal(null);
    });
  });
});

describe('addressKeeper (who an address belongs to among twins)', () => {
  const facts = (id: number, createdAt: string, confirmed = false) => ({
    id,
    confirmed,
    createdAt: new Date(createdAt),
  });
  it('when one is confirmed, then it, however new', () => {
    expect(addressKeeper([facts(1, '2020-01-01'), facts(2, '2024-01-01', true)])?.id).to.equal(2);
  });
  it('when several are confirmed, then nobody', () => {
    expect(addressKeeper([facts(1, '2020-01-01', true), facts(2, '2024-01-01', true)])).to.equal(
      null,
    );
  });
  it('when none is confirmed, then the oldest, ties by id', () => {
    expect(addressKeeper([facts(3, '2024-01-01'), facts(2, '2020-01-01')])?.id).to.equal(2);
    expect(addressKeeper([facts(5, '2020-01-01'), facts(4, '2020-01-01')])?.id).to.equal(4);
  });
  it('when there is nobody, then nobody', () => {
    expect(addressKeeper([])).to.equal(null);
  });
});
