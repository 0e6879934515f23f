/**
 * The distinct clients (addresses, an IPv6 /64 as one) behind the new arm's recent 5xx answers: an address → the last
 * second it saw one. The guard needs errors from more than one address before it acts, so one
 * client (however many requests it sends) cannot roll the rollout back. Bounded: past `cap`
 * addresses the stalest is forgotten (only "more than one" matters).
 */
import type { Clock } from '../../src/lib/clock.js';
import { clientKey } from '../../src/lib/net/client-key.js';

export function createErrorClients(windowSeconds: number, clock: Clock, cap = 64) {
  let last = new Map<string, number>();
  const nowSecond = () => Math.floor(clock.now().getTime() / 1000);

  return {
    record(address: string): void {
      // One client however its address is spelt or wherever in its IPv6 /64 it moves: the rate
      // limits' rule (src/lib/net/client-key.ts).
      const client = clientKey(address);
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
