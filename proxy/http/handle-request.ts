/**
 * The data plane, per request: header hygiene → classify → gather verified facts (reading an
 * identity body with the monolith's own reader; an unreadable one is answered here, in the
 * surface's format) → decide → gate or rewrite → proxy to the arm → record metrics, guard and one
 * log line. Upstream failures become JSON 502/504; a new arm that refuses the connection is retried
 * once on legacy when the request can be replayed (a buffered or empty body).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { BodyRefusal } from '../../src/lib/contracts/body-refusal.js';
import type { Clock } from '../../src/lib/clock.js';
import type { Logger } from '../../src/lib/logger.js';
import type { Guard } from '../guard/guard.js';
import { createDecisionRecorder, type ProxyMetrics } from '../metrics.js';
import type { ArmTimeSeries } from '../timeseries/arm-time-series.js';
import type { VerifierSecrets } from '../policy/credentials.js';
import { decide, type Decision } from '../policy/decide.js';
import type { Arm, RolloutPolicy } from '../policy/rollout-policy.js';
import type { ProxyErrorCode } from '../proxy-errors.js';
import { clientAddress } from './client-address.js';
import { dropHopByHop, prepareHeaders } from './forwarded-headers.js';
import { ARM_HEADER, REQUEST_ID_HEADER, relayResponse } from './relay-response.js';
import type { ContextMap, RequestContext } from './request-context.js';
import { requestIdOf } from './request-id.js';
import { createOutcomeRecorder } from './request-outcome.js';
import { gatherFacts } from './request-facts.js';
import { upstreamTarget } from './request-target.js';
import { classifyRoute, newArmUrl } from './route-table.js';
import { sendFailure, sendNotFound, sendRefusal } from './surface-answers.js';
import { canRetryOnLegacy, upstreamFailure } from './upstream-failure.js';
import { createUpgradeHandler } from './upgrade.js';
import type { UpstreamProxies } from './upstream-proxies.js';

export interface HandlerDeps {
  settings: {
    armHeader: boolean;
    trustForwarded: boolean;
    retryOnLegacy: boolean;
    overrideSecret: string;
    secrets: VerifierSecrets;
  };
  logger: Logger;
  clock: Clock;
  metrics: ProxyMetrics;
  guard: Guard;
  /** The dashboard's per-instance charts. */
  series: ArmTimeSeries;
  policy(): RolloutPolicy;
  contexts: ContextMap;
  proxies: UpstreamProxies;
}

export function createRequestHandler(deps: HandlerDeps) {
  const { settings, metrics, contexts } = deps;
  const finish = createOutcomeRecorder(deps);
  const recordDecision = createDecisionRecorder(metrics);

  function forward(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, arm: Arm): void {
    ctx.arm = arm;
    void deps.proxies[arm](req, res, () => fail(req, res, ctx, 'INTERNAL'));
  }

  /** The proxy's own headers on a response it writes itself (errors, the gate's 404). */
  function identify(res: ServerResponse, ctx: RequestContext, arm: Arm): void {
    if (res.headersSent) return;
    res.setHeader(REQUEST_ID_HEADER, ctx.id);
    if (settings.armHeader) res.setHeader(ARM_HEADER, arm);
  }

  function onUpstreamResponse(
    upstream: IncomingMessage,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const ctx = contexts.get(req);
    if (!ctx) return void res.destroy();
    relayResponse(upstream, res, {
      requestId: ctx.id,
      ...(settings.armHeader ? { arm: ctx.arm } : {}),
    });
  }

  function fail(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    code: ProxyErrorCode,
  ): void {
    metrics.errors.inc({ arm: ctx.arm, route: ctx.route.label, code });
    identify(res, ctx, ctx.arm);
    sendFailure(res, ctx.route.surface, code);
    if (!req.complete) req.resume(); // drain an unread body so the socket can be reused or closed
  }

  function contextFor(req: IncomingMessage, target: string | undefined): RequestContext {
    const client = clientAddress(req, settings.trustForwarded);
    const route = classifyRoute(req.method ?? 'GET', target ?? '/');
    return {
      id: requestIdOf(req),
      startedAt: process.hrtime.bigint(),
      route,
      arm: route.kind === 'fu_auth' ? 'new' : 'legacy',
      client,
      guarded: false,
      originalUrl: target ?? '/',
      retried: false,
    };
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // SECURITY: classify exactly what the upstream will receive (see request-target.ts).
    const target = upstreamTarget(req.url ?? '/');
    const ctx = contextFor(req, target);
    const override = prepareHeaders(req, settings.trustForwarded);
    dropHopByHop(req);
    if (target !== undefined) req.url = target;
    contexts.set(req, ctx);
    res.once('close', () => finish(req, res, ctx));

    if (target === undefined) return fail(req, res, ctx, 'BAD_REQUEST_TARGET');
    const { route } = ctx;
    if (route.kind === 'passthrough') return forward(req, res, ctx, 'legacy');
    const policy = deps.policy();
    const gated = route.kind === 'fu_auth' && policy.gateFuAuth;
    if (route.kind === 'fu_auth' && !gated) return forward(req, res, ctx, 'new');

    const gathered = await gatherFacts(req, route, gated, override, {
      secrets: settings.secrets,
      overrideSecret: settings.overrideSecret,
      now: deps.clock.now(),
      onRejectedOverride: (why) => metrics.rejectedOverrides.inc({ why }),
    });
    if (!gathered.ok) return refuse(req, res, ctx, gathered.refusal);
    if (gathered.body) ctx.body = gathered.body;
    const decision = decide(gathered.facts, policy);
    record(ctx, decision);
    if (route.kind === 'fu_auth') {
      if (decision.arm === 'new') return forward(req, res, ctx, 'new');
      return gateNotFound(req, res, ctx);
    }
    if (decision.arm === 'new') req.url = newArmUrl(ctx.originalUrl);
    forward(req, res, ctx, decision.arm);
  }

  function record(ctx: RequestContext, decision: Decision): void {
    ctx.reason = decision.reason;
    ctx.guarded = decision.identifiedBy !== undefined;
    recordDecision(decision.arm, decision.reason);
  }

  /** An identity body the proxy cannot read: the monolith's own answer, in the surface's format. */
  function refuse(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    refusal: BodyRefusal,
  ): void {
    if (refusal.reason === 'aborted') return void res.destroy(); // nobody left to answer
    ctx.arm = ctx.route.kind === 'fu_auth' ? 'new' : 'legacy';
    metrics.bodyRefusals.inc({ route: ctx.route.label, why: refusal.reason });
    identify(res, ctx, ctx.arm);
    sendRefusal(res, ctx.route.surface, refusal);
    if (!req.complete) req.resume();
  }

  /**
   * With the gate closed, /fu_auth looks like it does not exist: the monolith's own 404 in the
   * path's surface (fastapi-users' on native routes, the legacy contract's on the facade).
   */
  function gateNotFound(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    ctx.arm = 'legacy';
    metrics.gateDenials.inc();
    identify(res, ctx, 'legacy');
    sendNotFound(res, ctx.route.surface);
    if (!req.complete) req.resume();
  }

  function onUpstreamError(
    error: NodeJS.ErrnoException,
    req: IncomingMessage,
    res: ServerResponse | Socket,
  ): void {
    const ctx = contexts.get(req);
    if (!ctx || !('setHeader' in res)) {
      res.destroy();
      return;
    }
    const kind = upstreamFailure(error);
    metrics.upstreamErrors.inc({ arm: ctx.arm, kind });
    deps.logger.warn({ reqId: ctx.id, arm: ctx.arm, kind, code: error.code }, 'upstream error');
    if (canRetryOnLegacy(settings.retryOnLegacy, kind, req, res, ctx)) {
      // The new arm failed, even though this client will not see it.
      if (ctx.guarded) deps.guard.record({ arm: 'new', status: 502, client: ctx.client });
      metrics.retries.inc();
      ctx.retried = true;
      req.url = ctx.originalUrl;
      return forward(req, res, ctx, 'legacy');
    }
    fail(req, res, ctx, kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE');
  }

  return {
    onRequest: (req: IncomingMessage, res: ServerResponse) => {
      onRequest(req, res).catch((error: unknown) => {
        deps.logger.error({ err: error }, 'proxy handler failed');
        if (!res.headersSent) {
          const id = req.headers[REQUEST_ID_HEADER];
          if (typeof id === 'string') res.setHeader(REQUEST_ID_HEADER, id);
          sendFailure(res, contexts.get(req)?.route.surface ?? 'legacy', 'INTERNAL');
        } else res.destroy();
      });
    },
    onUpgrade: createUpgradeHandler({
      trustForwarded: settings.trustForwarded,
      metrics,
      proxies: deps.proxies,
    }),
    onUpstreamResponse,
    onUpstreamError,
  };
}
