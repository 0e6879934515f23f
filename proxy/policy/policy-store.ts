/**
 * The live policy of one proxy process. It reads `rollout_policy` at start, re-reads it on every
 * NOTIFY on `authshift_rollout_policy` and every `refreshMs` as the fallback (a lost NOTIFY or a
 * dropped LISTEN connection), and keeps the last good policy whenever the database cannot be
 * reached. Until the first read succeeds it serves FAIL_SAFE_POLICY (everyone on legacy).
 */
import { createPgListener } from '../../src/lib/db/pg-listener.js';
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
  let reading: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
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

  /** Coalesces overlapping triggers (timer + NOTIFY) into at most one read plus one follow-up. */
  function refresh(): Promise<void> {
    if (reading) {
      again = true;
      return reading;
    }
    reading = readOnce().finally(() => {
      reading = undefined;
      if (again && !stopped) {
        again = false;
        void refresh();
      }
    });
    return reading;
  }

  const listener = createPgListener({
    databaseUrl: deps.databaseUrl,
    channel: POLICY_CHANNEL,
    applicationName: 'authshift-proxy-listen',
    onNotification: () => void refresh(),
    onListening: () => void refresh(),
  });

  return {
    current: () => policy,
    isLoaded: () => loaded,
    isDatabaseUp: () => databaseUp,
    refresh,
    /** Calls `listener` when a new policy is applied or the database goes away or comes back. */
    subscribe(subscriber: () => void): () => void {
      subscribers.add(subscriber);
      return () => void subscribers.delete(subscriber);
    },
    async start(): Promise<void> {
      await refresh();
      await listener.start();
      timer = setInterval(() => void refresh(), deps.refreshMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await listener.stop();
      await reading;
    },
  };
}

export type PolicyStore = ReturnType<typeof createPolicyStore>;
