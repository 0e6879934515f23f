/**
 * One http-proxy-middleware instance per arm, each with its own keep-alive agent, so each
 * upstream has a warm connection pool of its own. hpm's plain-text error page is replaced by the
 * `onError` callback (project JSON errors); its crash-preventing default listeners are kept.
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
  onError(error: NodeJS.ErrnoException, req: IncomingMessage, res: ServerResponse | Socket): void;
}

export type UpstreamProxies = Record<Arm, RequestHandler> & { close(): void };

export function createUpstreamProxies(deps: UpstreamProxiesDeps): UpstreamProxies {
  const agents: http.Agent[] = [];
  const make = (target: string): RequestHandler => {
    const agent = new http.Agent({
      keepAlive: true,
      keepAliveMsecs: 1000,
      maxFreeSockets: 256,
      scheduling: 'lifo',
    });
    agents.push(agent);
    return createProxyMiddleware<IncomingMessage, ServerResponse>({
      target,
      agent,
      changeOrigin: false,
      xfwd: false, // set in forwarded-headers.ts, where client values are dropped first
      // hpm's default plugins build a log URL and add listeners on every request; ours add only
      // what the proxy needs, including the crash guards the defaults provide.
      ejectPlugins: true,
      plugins: [
        (server) => {
          server.on('proxyReq', (proxyReq, req) => {
            const ctx = deps.contexts.get(req);
            // The buffered body was consumed to read the e-mail; send the same bytes on.
            if (ctx?.body && ctx.body.length > 0) proxyReq.write(ctx.body);
            proxyReq.setTimeout(deps.timeoutMs, () => {
              if (ctx) ctx.timedOut = true;
              proxyReq.destroy(Object.assign(new Error('upstream timeout'), { code: 'ETIMEDOUT' }));
            });
          });
          server.on('proxyRes', (proxyRes, _req, res) => {
            // An upstream dying mid-body must not leave the client waiting on a half response,
            // and a client leaving mid-body must not leave the upstream response streaming.
            proxyRes.on('error', () => res.destroy());
            proxyRes.on('close', () => {
              if (!proxyRes.complete) res.destroy();
            });
            res.once('close', () => {
              if (!res.writableEnded) proxyRes.destroy();
            });
          });
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
