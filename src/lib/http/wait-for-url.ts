/**
 * Polls a URL until it answers, for whoever starts a service and must not announce or use it
 * before it serves (`npm start`'s banner, the benchmarks' processes). Each attempt has its own
 * time limit, so a connection that hangs does not stall the wait past its deadline.
 */
export interface WaitForUrlOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Which answer counts as up; by default 200 only. */
  accept?: (status: number) => boolean;
  /** Checked before every attempt: true ends the wait at once (the process to wait for died). */
  giveUp?: () => boolean;
}

/** True once `url` answers as `accept` wants; false when time runs out or `giveUp` says so. */
export async function waitForUrl(url: string, options: WaitForUrlOptions): Promise<boolean> {
  const accept = options.accept ?? ((status) => status === 200);
  const deadline = Date.now() + options.timeoutMs;
  while (!options.giveUp?.() && Date.now() < deadline) {
    const up = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (res) => {
        void res.body?.cancel();
        return accept(res.status);
      },
      () => false,
    );
    if (up) return true;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
  return false;
}
