/**
 * The distinct client addresses behind the new arm's recent 5xx answers: an address → the last
 * second it saw one. The guard needs errors from more than one address before it acts, so one
 * client (however many requests it sends) cannot roll the rollout back. Bounded: past `cap`
 * addresses the stalest is forgotten (only "more than one" matters).
 */
import type { Clock } from '../../src/lib/clock.js';

export function createErrorClients(windowSeconds: number, clock: Clock, cap = 64) {
  let last = new Map<string, number>();
  const nowSecond = () => Math.floor(clock.now().getTime() / 1000);

  return {
    record(client: string): void {
      last.delete(client); // re-inserted last: Map order is recency order
      last.set(client, nowSecond());
      if (last.size > cap) last.delete(last.keys().next().value!);
    },
    /** Addresses with an error inside the window. */
    count(): number {
      const oldest = nowSecond() - windowSeconds;
      let n = 0;
      for (const second of last.values()) if (second > oldest) n++;
      return n;
    },
    reset(): void {
      last = new Map();
    },
  };
}
