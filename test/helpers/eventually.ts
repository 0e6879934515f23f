import { setTimeout as delay } from 'node:timers/promises';

export interface EventuallyOptions {
  /** Give up after this long (default 5 s). */
  timeoutMs?: number;
  /** Pause between checks (default 50 ms). */
  intervalMs?: number;
  /** What is awaited, for the failure; a function is read only when it fails (e.g. process output). */
  what?: string | (() => string);
  /** A reason to fail at once instead of waiting out the timeout (e.g. the process exited). */
  abort?: () => string | undefined;
}

/**
 * Polls `check` until it holds; throws, naming `what`, when `abort` gives a reason or time runs
 * out. The one way tests wait for something another process or connection does.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  options: EventuallyOptions = {},
): Promise<void> {
  const { timeoutMs = 5000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  const what = () =>
    typeof options.what === 'function' ? options.what() : (options.what ?? 'condition');
  for (;;) {
    if (await check()) return;
    const aborted = options.abort?.();
    if (aborted) throw new Error(`${aborted} while waiting for: ${what()}`);
    if (Date.now() > deadline) throw new Error(`not met after ${timeoutMs} ms: ${what()}`);
    await delay(intervalMs);
  }
}
