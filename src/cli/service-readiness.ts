/**
 * When one run of a service is ready: its /readyz answers 200 (monolith, proxy), or it says so
 * over IPC with `{type: 'ready', url}` (the database, whose URL the others need). Also relays a
 * service's `{type: 'stop-requested'}`: a process that was sent a stop signal but lets the
 * supervisor stop the stack in order (the database must go last).
 */
import { waitForUrl } from '../lib/http/wait-for-url.js';
import type { ServiceProcess } from './service-process.js';

export interface ReadyInfo {
  url?: string;
  /** Not ready when the wait ended: announced anyway, with a warning. */
  late?: boolean;
}

export const READY_WAIT_MS = 120_000;

export function watchReadiness(
  proc: ServiceProcess,
  readyUrl: string | undefined,
  onReady: (info: ReadyInfo) => void,
  onStopRequested: (signal: string) => void,
): void {
  proc.onMessage((message) => {
    const m = message as { type?: unknown; url?: unknown; signal?: unknown } | null;
    if (m?.type === 'ready') onReady({ url: typeof m.url === 'string' ? m.url : undefined });
    if (m?.type === 'stop-requested') onStopRequested(String(m.signal));
  });
  if (!readyUrl) return;
  void waitForUrl(readyUrl, {
    timeoutMs: READY_WAIT_MS,
    giveUp: () => !proc.isRunning(),
  }).then((up) => proc.isRunning() && onReady({ url: readyUrl, late: !up }));
}
