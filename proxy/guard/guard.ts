/**
 * The guard: watches the new arm's 5xx rate over a sliding window and, when it reaches the
 * threshold with at least `minRequests` in the window and the errors come from more than one
 * client address, sets the rollout percentage to 0 through the same audited path as the CLI
 * (actor `guard`), logs it and counts it. Allow-list and cohort users stay where ops put them:
 * the guard undoes the percentage, ops decide the rest.
 * SECURITY: it is fed only answers to requests the policy routed for an identified user (see
 * handle-request.ts), never anonymous traffic: anyone could otherwise flood /fu_auth with
 * requests that fail and roll the rollout back.
 */
import type { Clock } from '../../src/lib/clock.js';
import type { Logger } from '../../src/lib/logger.js';
import type { Arm } from '../policy/rollout-policy.js';
import { createErrorClients } from './error-clients.js';
import { createSlidingWindow, type ArmWindow } from './sliding-window.js';

export interface GuardSettings {
  enabled: boolean;
  windowSeconds: number;
  minRequests: number;
  errorRate: number;
}

export interface GuardTrip {
  at: string;
  reason: string;
  requests: number;
  errors: number;
}

export interface GuardDeps {
  settings: GuardSettings;
  clock: Clock;
  logger: Logger;
  /** Current percentage of the live policy (nothing to undo at 0). */
  currentPercent(): number;
  /** Writes percent = 0 with the reason to the audit log. */
  setPercentToZero(reason: string): Promise<void>;
  onTrip(trip: GuardTrip): void;
}

/** One answer to a request the policy routed for an identified user. */
export interface GuardSample {
  arm: Arm;
  status: number;
  /** The client's address (see http/client-address.ts). */
  client: string;
}

/** Pure threshold check, exported for the table test. */
export function shouldTrip(
  window: ArmWindow,
  errorClients: number,
  settings: GuardSettings,
): boolean {
  return (
    window.requests >= settings.minRequests &&
    window.errors / window.requests >= settings.errorRate &&
    errorClients > 1
  );
}

export function createGuard(deps: GuardDeps) {
  const { settings } = deps;
  const window = createSlidingWindow(settings.windowSeconds, deps.clock);
  const errorClients = createErrorClients(settings.windowSeconds, deps.clock);
  let tripping: Promise<void> | undefined;
  let lastTrip: GuardTrip | undefined;

  async function trip(state: ArmWindow): Promise<void> {
    const rate = Math.round((state.errors / state.requests) * 1000) / 10;
    const reason =
      `guard: new arm 5xx rate ${rate}% (${state.errors}/${state.requests}) over ` +
      `${settings.windowSeconds}s reached the ${settings.errorRate * 100}% limit`;
    try {
      await deps.setPercentToZero(reason);
      window.reset();
      errorClients.reset();
      lastTrip = { at: deps.clock.now().toISOString(), reason, ...state };
      deps.logger.error({ guard: lastTrip }, 'guard tripped: rollout percentage set to 0');
      deps.onTrip(lastTrip);
    } catch (error) {
      // The window is kept: the next failing request tries again.
      deps.logger.error({ err: error }, 'guard could not write the rollback; will retry');
    }
  }

  return {
    record({ arm, status, client }: GuardSample): void {
      const isError = status >= 500;
      window.record(arm, isError);
      if (arm !== 'new' || !isError) return;
      errorClients.record(client);
      if (!settings.enabled || tripping) return;
      const state = window.read('new');
      if (!shouldTrip(state, errorClients.count(), settings) || deps.currentPercent() === 0) return;
      tripping = trip(state).finally(() => (tripping = undefined));
    },
    status() {
      return {
        enabled: settings.enabled,
        window_seconds: settings.windowSeconds,
        min_requests: settings.minRequests,
        error_rate_limit: settings.errorRate,
        arms: { legacy: window.read('legacy'), new: window.read('new') },
        /** Distinct client addresses behind the new arm's 5xx in the window. */
        error_clients: errorClients.count(),
        last_trip: lastTrip ?? null,
      };
    },
    /** Resolves when a trip in progress has been written (tests and shutdown). */
    settled: () => tripping ?? Promise.resolve(),
  };
}

export type Guard = ReturnType<typeof createGuard>;
export type GuardStatus = ReturnType<Guard['status']>;
