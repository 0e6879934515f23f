/**
 * What the supervisor does when a service's process ends on its own (not stopped by the
 * supervisor): a clean exit or a stop signal means someone asked it to stop (the stack stops);
 * a crash is restarted with backoff, unless it happened before the service was ever ready (a
 * broken configuration or a taken port does not heal by itself), the service is not restartable
 * (the database), or the crashes keep coming.
 */
import type { CrashCounter } from './restart-policy.js';
import { RESTART_POLICY } from './restart-policy.js';
import { EXIT } from '../lib/cli/exit-codes.js';

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type ExitDecision =
  | { action: 'stop-stack'; reason: string }
  | { action: 'restart'; attempt: number; delayMs: number }
  | { action: 'give-up'; message: string; exitCode: number };

export interface ExitContext {
  service: string;
  restartable: boolean;
  /** Was any run of it ready, and is this its first run? */
  everReady: boolean;
  firstRun: boolean;
  uptimeMs: number;
  crashes: CrashCounter;
}

const STOP_SIGNALS: (NodeJS.Signals | null)[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

export const describeExit = (exit: ServiceExit) =>
  exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;

export function decideAfterExit(exit: ServiceExit, context: ExitContext): ExitDecision {
  const { service } = context;
  const how = describeExit(exit);
  if (exit.code === 0 || STOP_SIGNALS.includes(exit.signal))
    return { action: 'stop-stack', reason: `the ${service} stopped (${how})` };
  if (!context.everReady && context.firstRun)
    return {
      action: 'give-up',
      message: `the ${service} stopped before it was ready (${how}); its output above says why`,
      exitCode: exit.code === EXIT.busy ? EXIT.busy : EXIT.failed,
    };
  if (!context.restartable)
    return {
      action: 'give-up',
      message: `the ${service} stopped unexpectedly (${how})`,
      exitCode: EXIT.failed,
    };
  const decision = context.crashes.crashed(context.uptimeMs);
  if (decision.restart)
    return { action: 'restart', attempt: decision.attempt, delayMs: decision.delayMs };
  return {
    action: 'give-up',
    message:
      `${service} crashed ${decision.crashes} times in a row, each within ` +
      `${RESTART_POLICY.stableAfterMs / 1000} s of starting (last: ${how}); ` +
      'giving up and stopping the stack. Its output above says why.',
    exitCode: EXIT.failed,
  };
}
