import type { IncomingMessage } from 'node:http';
import type { DecisionReason } from '../policy/decide.js';
import type { Arm } from '../policy/rollout-policy.js';
import type { RouteInfo } from './route-table.js';

/** What the proxy knows about one request while it is in flight. */
export interface RequestContext {
  id: string;
  startedAt: bigint;
  route: RouteInfo;
  arm: Arm;
  reason?: DecisionReason;
  /** The client's address (client-address.ts): the guard counts distinct ones. */
  client: string;
  /** The policy routed this request for an identified user: the guard counts its answer. */
  guarded: boolean;
  /** The client's URL before any rewrite (a retry on legacy goes back to it). */
  originalUrl: string;
  /** A buffered body, written to the upstream request instead of the consumed stream. */
  body?: Buffer;
  retried: boolean;
}

/** Per-request state keyed by the request object; entries vanish with their requests. */
export function createContextMap() {
  const map = new WeakMap<IncomingMessage, RequestContext>();
  return {
    set: (req: IncomingMessage, ctx: RequestContext) => void map.set(req, ctx),
    get: (req: IncomingMessage) => map.get(req),
  };
}

export type ContextMap = ReturnType<typeof createContextMap>;
