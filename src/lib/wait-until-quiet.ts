import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until every probe reads 0 on `stableChecks` checks in a row (or `timeoutMs` passes).
 * Shutdown uses it: a request whose client hung up is no longer on any socket, so draining the
 * HTTP server does not wait for it, but its handler still runs; closing the database under it
 * would turn a harmless abandoned request into an error. Its work shows up in the probes (pooled
 * connections in use, hashing jobs), so quiet probes mean no handler is mid-way.
 */
export async function waitUntilQuiet(
  probes: readonly (() => number)[],
  options: { intervalMs?: number; stableChecks?: number; timeoutMs?: number } = {},
): Promise<boolean> {
  const intervalMs = options.intervalMs ?? 25;
  const stableChecks = options.stableChecks ?? 4;
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  let quiet = 0;
  while (Date.now() < deadline) {
    quiet = probes.every((probe) => probe() === 0) ? quiet + 1 : 0;
    if (quiet >= stableChecks) return true;
    await sleep(intervalMs);
  }
  return false;
}
