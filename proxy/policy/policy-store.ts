/**
 * The live policy of one proxy process. It reads `rollout_policy` at start, re-reads it on every
 * NOTIFY on `authshift_rollout_policy` and every `refreshMs` as the fallback (a lost NOTIFY or a
 * dropped LISTEN connection), and keeps the last good policy whenever the database cannot be
 * reached. Until the first read succeeds it serves FAIL_SAFE_POLICY (everyone on legacy).
 */
import { createWatchedRead } from '../../src/lib/pg/watched-read.js';
import type { Logger } from '../../src/lib/logger.js';
import { POLICY_CHANNEL, type PolicyRepository } from '../control/policy-repository.js';
import { FAIL_SAFE_POLICY, type RolloutPolicy } from './rollout-policy.js';

export interface PolicyStoreDeps {
  repository: Pick<PolicyRepository, 'read'>;
  databaseUrl: string;
  refreshMs: number;
  logger: Logger;
  onApplied(policy: RolloutPolicy): void;
  onReadSuccess(): void;
  onReadFailure(): void;
}

export function createPolicyStore(deps: PolicyStoreDeps) {
  let policy: RolloutPolicy = FAIL_SAFE_POLICY;
  let loaded = false;
  let databaseUp = false;
  const subscribers = new Set<() => void>();
  const notify = () => subscribers.forEach((subscriber) => subscriber());

  async function readOnce(): Promise<void> {
    try {
      const next = await deps.repository.read();
      const cameBack = !databaseUp;
      if (cameBack) deps.logger.info('policy database reachable');
      databaseUp = true;
      deps.onReadSuccess();
      if (cameBack && loaded && next.version === policy.version) notify();
      if (!loaded || next.version !== policy.version) {
        policy = Object.freeze(next);
        loaded = true;
        deps.logger.info(
          { version: next.version, percent: next.percent, killed: next.killed },
          'policy applied',
        );
        deps.onApplied(policy);
        notify();
      }
    } catch (error) {
      if (databaseUp || !loaded)
        deps.logger.warn(
          { err: error, version: policy.version },
          'policy read failed; keeping the last good policy',
        );
      const wasUp = databaseUp;
      databaseUp = false;
      deps.onReadFailure();
      if (wasUp) notify();
    }
  }

  const watched = createWatchedRead({
    databaseUrl: deps.databaseUrl,
    channel: POLICY_CHANNEL,
    applicationName: 'authshift-proxy-listen',
    refreshMs: deps.refreshMs,
    read: readOnce,
  });

  return {
    current: () => policy,
    isLoaded: () => loaded,
    isDatabaseUp: () => databaseUp,
    refresh: watched.refresh,
    /** Calls `listener` when a new policy is applied or the database goes away or comes back. */
    subscribe(subscriber: () => void): () => void {
      subscribers.add(subscriber);
      return () => void subscribers.delete(subscriber);
    },
    async start(): Promise<void> {
      await watched.refresh();
      await watched.watch();
    },
    stop: watched.stop,
  };
}

export type PolicyStore = ReturnType<typeof createPolicyStore>;
