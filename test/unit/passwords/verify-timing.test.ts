import { expect } from 'chai';
import type { PasswordHasher } from '../../../src/passwords/password-hasher.js';
import { withVerifyTiming } from '../../../src/passwords/verify-timing.js';

/** The hasher's half of flat login timing: nothing that cannot be verified is answered at once. */
describe('verify timing', () => {
  const fake = () => {
    const calls: string[] = [];
    const inner = {
      verify: async (_password: string, stored: string | null | undefined) => {
        calls.push(`verify ${stored}`);
        return true;
      },
      dummyVerify: async () => void calls.push('dummy'),
      hash: async () => '$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
      hashLegacy: async () => '$2b$04$' + 'a'.repeat(53),
    } as unknown as PasswordHasher;
    return { inner, calls };
  };

  for (const stored of [null, undefined, '', '!DISABLED!'])
    it(`when the stored hash is ${JSON.stringify(stored)}, then it costs a dummy verification and never verifies`, async () => {
      const { inner, calls } = fake();
      const { hasher } = withVerifyTiming(inner);
      expect(await hasher.verify('password', stored)).to.equal(false);
      expect(calls).to.deep.equal(['dummy']);
    });

  it('when nothing was verified yet, then the floor is 0; once calibrated, it is above 0 and covers every configured kind', async () => {
    const { inner, calls } = fake();
    const timing = withVerifyTiming(inner);
    expect(timing.floorMs()).to.equal(0);
    await timing.calibrate();
    expect(calls.filter((c) => c.startsWith('verify $argon2id'))).to.have.length(3);
    expect(calls.filter((c) => c.startsWith('verify $2b$'))).to.have.length(3);
    expect(timing.floorMs()).to.be.above(0);
  });
});
