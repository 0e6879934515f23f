import { expect } from 'chai';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { useTestApp } from '../../helpers/test-deps.js';

/**
 * A legacy session's user (passport's deserialiser) is read with the account's new-engine user in
 * one statement, and the session resolver reuses that read for the same request.
 */
describe('the account behind a legacy session', () => {
  const t = useTestApp();
  const accounts = () => t.deps.sessions.accounts;
  const request = { ip: undefined, userAgent: undefined, requestId: 'test' };

  it('when the legacy row is active, then sessionUser gives it, and activeOf reuses the account read with it', async () => {
    const user = await t.deps.fuAuth.deps.manager.create(
      { email: uniqueEmail('session-account'), password: 'a-long-password-1' },
      request,
    );
    const legacy = await accounts().sessionUser(user.legacyUserId!);
    expect(legacy?.id).to.equal(user.legacyUserId);
    expect(legacy?.email).to.equal(user.email);

    // Disabled after the session's read: this request keeps what it read, a new read sees it.
    await t.deps.fuAuth.deps.store().update(user, { isActive: false });
    const same = await accounts().activeOf(legacy!);
    expect(same?.user?.id).to.equal(user.id);
    expect(same?.user?.isActive).to.equal(true);
    expect(await accounts().activeOf({ ...legacy! })).to.equal(null);
  });

  it('when the legacy row is disabled or missing, then sessionUser gives null (the session logs nobody in)', async () => {
    const disabled = await createLegacyUser(t.deps.sequelize, { active: false });
    expect(await accounts().sessionUser(disabled.id)).to.equal(null);
    expect(await accounts().sessionUser(2_000_000_000)).to.equal(null);
  });
});
