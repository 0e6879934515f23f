/**
 * Protocol upgrades (WebSocket). SECURITY: an upgrade is classified like any request
 * (`Connection: Upgrade` used to skip the route table, the policy and the gate, so a
 * POST to /fu_auth/register with upgrade headers reached the monolith untouched). No auth route
 * takes an upgrade: those get their surface's "not found"; everything else is tunnelled to the
 * legacy upstream, with the same header hygiene as a request.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ProxyMetrics } from '../metrics.js';
import { prepareHeaders } from './forwarded-headers.js';
import { requestIdOf } from './request-id.js';
import { upstreamTarget } from './request-target.js';
import { classifyRoute } from './route-table.js';
import { upgradeNotFound } from './surface-answers.js';
import type { UpstreamProxies } from './upstream-proxies.js';

export function createUpgradeHandler(deps: {
  trustForwarded: boolean;
  metrics: ProxyMetrics;
  proxies: UpstreamProxies;
}) {
  return (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    const id = requestIdOf(req);
    prepareHeaders(req, deps.trustForwarded);
    const target = upstreamTarget(req.url ?? '/');
    if (target === undefined) return void socket.destroy();
    req.url = target;
    const route = classifyRoute(req.method ?? 'GET', target);
    if (route.kind !== 'passthrough') {
      deps.metrics.upgradeRefusals.inc({ route: route.label });
      return upgradeNotFound(socket, route.surface, id);
    }
    deps.proxies.legacy.upgrade(req, socket, head);
  };
}
