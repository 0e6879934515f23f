/**
 * One http-proxy-middleware instance per arm, each with its own keep-alive agent, so each
 * upstream has a warm connection pool of its own. hpm's plain-text error page is replaced by the
 * `onError` callback (project JSON errors) and its response copying by `onResponse`
 * (relay-response.ts); its crash-preventing default listeners are kept.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import type { Arm } from '../policy/rollout-policy.js';
import type { ContextMap } from './request-context.js';

export interface UpstreamProxiesDeps {
  upstreams: Record<Arm, string>;
  timeoutMs: number;
  contexts: ContextMap;
  onResponse(upstream: IncomingMessage, req: IncomingMessage, res: ServerResponse): void;
  onError(error: NodeJS.ErrnoException, req: IncomingMessage, res: ServerResponse | Socket): void;
}

export type UpstreamProxies = Record<Arm, RequestHandler> & { close(): void };

/** An upstream socket idle for PROXY_UPSTREAM_TIMEOUT_MS while a request was on it. */
export class UpstreamTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor() {
    super('upstream timeout');
    this.name = 'UpstreamTimeoutError';
  }
}

function onUpstreamTimeout(this: http.ClientRequest): void {
  this.destroy(new UpstreamTimeoutError());
}

/**
 * The target in the shape http-proxy uses internally. PERF: given a string, http-proxy runs
 * `url.parse` on it for every request.
 */
export function parsedTarget(target: string) {
  const url = new URL(target);
  return {
    protocol: url.protocol,
    host: url.host,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), // IPv6 without brackets, as url.parse
    port: url.port || null,
    path: `${url.pathname}${url.search}`,
  };
}

export function createUpstreamProxies(deps: UpstreamProxiesDeps): UpstreamProxies {
  const agents: http.Agent[] = [];
  const make = (target: string): RequestHandler => {
    const agent = new http.Agent({
      keepAlive: true,
      keepAliveMsecs: 1000,
      maxFreeSockets: 256,
      scheduling: 'lifo',
      // PERF: the idle timeout lives on the pooled sockets once; a per-request setTimeout re-armed
      // it on every request and reset it when the socket went back to the pool. Node emits
      // 'timeout' on the request using the socket; idle pooled sockets are closed after it.
      timeout: deps.timeoutMs,
    });
    agents.push(agent);
    return createProxyMiddleware<IncomingMessage, ServerResponse>({
      target: parsedTarget(target),
      agent,
      changeOrigin: false,
      xfwd: false, // set in forwarded-headers.ts, where client values are dropped first
      // req.url is already the upstream target (request-target.ts); PERF: no second url.parse.
      toProxy: true,
      selfHandleResponse: true,
      // hpm's default plugins build a log URL and add listeners on every request; ours add only
      // what the proxy needs, including the crash guards the defaults provide.
      ejectPlugins: true,
      plugins: [
        (server) => {
          server.on('proxyReq', (proxyReq, req) => {
            // The buffered body was consumed to read the e-mail; send the same bytes on.
            const body = deps.contexts.get(req)?.body;
            if (body && body.length > 0) proxyReq.write(body);
            proxyReq.once('timeout', onUpstreamTimeout);
          });
          server.on('proxyRes', (proxyRes, req, res) => deps.onResponse(proxyRes, req, res));
          server.on('error', (error, req, res) =>
            deps.onError(error as NodeJS.ErrnoException, req, res as ServerResponse | Socket),
          );
        },
      ],
    });
  };
  const proxies = { legacy: make(deps.upstreams.legacy), new: make(deps.upstreams.new) };
  return {
    ...proxies,
    close: () => agents.forEach((agent) => agent.destroy()),
  };
}
