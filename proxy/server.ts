/**
 * createProxyServer(deps): the client-facing `node:http` server, built on the request handler
 * and one http-proxy-middleware instance per arm. No I/O at construction; main.ts listens.
 */
import { createServer, type Server } from 'node:http';
import type { ProxyDeps } from './deps.js';
import { createRequestHandler } from './http/handle-request.js';
import { createContextMap } from './http/request-context.js';
import { createUpstreamProxies, type UpstreamProxies } from './http/upstream-proxies.js';

export interface ProxyServer {
  server: Server;
  /** Destroys the keep-alive agents; call after the server has drained. */
  closeUpstreams(): void;
}

export function createProxyServer(deps: ProxyDeps): ProxyServer {
  const contexts = createContextMap();
  const proxies: UpstreamProxies = createUpstreamProxies({
    upstreams: deps.config.upstreams,
    timeoutMs: deps.config.upstreamTimeoutMs,
    contexts,
    onResponse: (upstream, req, res) => handler.onUpstreamResponse(upstream, req, res),
    onError: (error, req, res) => handler.onUpstreamError(error, req, res),
  });
  const handler = createRequestHandler({
    settings: deps.config,
    logger: deps.logger,
    clock: deps.clock,
    metrics: deps.metrics,
    guard: deps.guard,
    series: deps.series,
    policy: () => deps.policyStore.current(),
    contexts,
    proxies,
  });
  const server = createServer(handler.onRequest);
  server.on('upgrade', handler.onUpgrade);
  // Clients keep connections open longer than the upstreams' idle sockets need; Node's 5 s
  // default would make busy clients reconnect constantly.
  server.keepAliveTimeout = 60_000;
  return { server, closeUpstreams: () => proxies.close() };
}
