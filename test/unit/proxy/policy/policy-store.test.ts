import { expect } from 'chai';
import { silentLogger } from '../../../../src/lib/logger.js';
import { createPolicyStore } from '../../../../proxy/policy/policy-store.js';
import { FAIL_SAFE_POLICY, type RolloutPolicy } from '../../../../proxy/policy/rollout-policy.js';

function harness() {
  let next: RolloutPolicy | Error = { ...FAIL_SAFE_POLICY, version: 1 };
  const store = createPolicyStore({
    repository: {
      read: async () => {
        if (next instanceof Error) throw next;
        return next;
      },
    },
    databaseUrl: 'postgres://unused',
    refreshMs: 1000,
    logger: silentLogger(),
    onApplied: () => undefined,
    onReadSuccess: () => undefined,
    onReadFailure: () => undefined,
  });
  let calls = 0;
  store.subscribe(() => (calls += 1));
  return {
    store,
    calls: () => calls,
    serve: (value: RolloutPolicy | Error) => (next = value),
  };
}

describe('policy store subscribers', () => {
  it('when a new version is read, then subscribers hear of it once; the same version again is silent', async () => {
    const { store, calls, serve } = harness();
    await store.refresh();
    expect(calls()).to.equal(1);
    await store.refresh();
    expect(calls()).to.equal(1);
    serve({ ...FAIL_SAFE_POLICY, version: 2 });
    await store.refresh();
    expect(calls()).to.equal(2);
  });

  it('when the database goes away and comes back, then subscribers hear of both', async () => {
    const { store, calls, serve } = harness();
    await store.refresh();
    serve(new Error('connection refused'));
    await store.refresh();
    expect(calls()).to.equal(2);
    expect(store.isDatabaseUp()).to.equal(false);
    serve({ ...FAIL_SAFE_POLICY, version: 1 });
    await store.refresh();
    expect(calls()).to.equal(3);
    expect(store.isDatabaseUp()).to.equal(true);
  });
});
