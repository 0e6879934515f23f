/**
 * The data plane, per request: header hygiene → classify → (buffer a small body to read the
 * e-mail) → decide → gate or rewrite → proxy to the arm → record metrics, guard and one log line.
 * Upstream failures become JSON 502/504; a new arm that refuses the connection is retried once
 * on legacy when the request can be replayed (a buffered or empty body).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../../src/lib/clock.js';
import type { Logger } from '../../src/lib/logger.js';
import type { Guard } from '../guard/guard.js';
import { createDecisionRecorder, createRequestRecorder, type ProxyMetrics } from '../metrics.js';
import type { ArmTimeSeries } from '../timeseries/arm-time-series.js';
import { fieldFromBody } from '../policy/body-field.js';
import { sessionEngine } from '../policy/credentials.js';
import { decide, type Decision, type RequestFacts } from '../policy/decide.js';
import { verifyOverride } from '../policy/override.js';
import type { Arm, RolloutPolicy } from '../policy/rollout-policy.js';
import { sendError, type ProxyErrorCode } from '../proxy-errors.js';
import { dropHopByHop, prepareHeaders } from './forwarded-headers.js';
import { readLimitedBody } from './read-body.js';
import { ARM_HEADER, REQUEST_ID_HEADER, relayResponse } from './relay-response.js';
import type { ContextMap, RequestContext } from './request-context.js';
import { upstreamTarget } from './request-target.js';
import { classifyRoute, newArmUrl } from './route-table.js';
import { canRetryOnLegacy, upstreamFailure } from './upstream-failure.js';
import type { UpstreamProxies } from './upstream-proxies.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const GATE_NOT_FOUND = JSON.stringify({ detail: 'Not Found' });

export interface HandlerDeps {
  settings: {
    armHeader: boolean;
    trustForwarded: boolean;
    retryOnLegacy: boolean;
    bodyLimitBytes: number;
    overrideSecret: string;
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
  const recordRequest = createRequestRecorder(metrics);
  const recordDecision = createDecisionRecorder(metrics);

  function requestFacts(
    req: IncomingMessage,
    override: ReturnType<typeof prepareHeaders>,
  ): RequestFacts {
    const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
    const checked = verifyOverride(
      override.forceArm,
      override.signature,
      settings.overrideSecret,
      nowSeconds,
    );
    const facts: RequestFacts = {};
    if (checked && 'arm' in checked) facts.override = checked.arm;
    else if (checked) metrics.rejectedOverrides.inc({ why: checked.rejected });
    const session = sessionEngine(req.headers);
    if (session) facts.session = session;
    return facts;
  }

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
    sendError(res, code);
    if (!req.complete) req.resume(); // drain an unread body so the socket can be reused or closed
  }

  function finish(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    const status = res.writableFinished ? String(res.statusCode) : 'aborted';
    const seconds = Number(process.hrtime.bigint() - ctx.startedAt) / 1e9;
    recordRequest(ctx.arm, ctx.route.label, status, seconds);
    if (res.writableFinished) {
      deps.guard.record(ctx.arm, res.statusCode);
      deps.series.record(ctx.arm, res.statusCode, seconds);
    }
    if (!deps.logger.isLevelEnabled('info')) return;
    deps.logger.info(
      {
        reqId: ctx.id,
        method: req.method,
        route: ctx.route.label,
        arm: ctx.arm,
        reason: ctx.reason,
        status,
        ms: Math.round(seconds * 10_000) / 10,
        ...(ctx.retried ? { retried: true } : {}),
      },
      'proxied',
    );
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const incomingId = req.headers['x-request-id'];
    const id =
      typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    req.headers['x-request-id'] = id;
    const override = prepareHeaders(req, settings.trustForwarded);
    dropHopByHop(req);
    // SECURITY: classify exactly what the upstream will receive (see request-target.ts).
    const target = upstreamTarget(req.url ?? '/');
    if (target !== undefined) req.url = target;
    const route = classifyRoute(req.method ?? 'GET', target ?? '/');
    const ctx: RequestContext = {
      id,
      startedAt: process.hrtime.bigint(),
      route,
      arm: route.kind === 'fu_auth' ? 'new' : 'legacy',
      originalUrl: target ?? '/',
      retried: false,
    };
    contexts.set(req, ctx);
    res.once('close', () => finish(req, res, ctx));

    if (target === undefined) return fail(req, res, ctx, 'BAD_REQUEST_TARGET');

    if (route.kind === 'passthrough') return forward(req, res, ctx, 'legacy');
    const policy = deps.policy();
    const gated = route.kind === 'fu_auth' && policy.gateFuAuth;
    if (route.kind === 'fu_auth' && !gated) return forward(req, res, ctx, 'new');

    const facts = requestFacts(req, override);
    const bodyField = route.identityField ?? route.credentialField;
    if (bodyField) {
      const read = await readLimitedBody(req, settings.bodyLimitBytes);
      if (!read.ok)
        return fail(
          req,
          res,
          ctx,
          read.reason === 'too_large' ? 'BODY_TOO_LARGE' : 'BAD_REQUEST_BODY',
        );
      ctx.body = read.body;
      const value = fieldFromBody(read.body, req.headers['content-type'], bodyField);
      if (value !== undefined) {
        if (route.identityField) facts.email = value;
        // The token is this route's own credential: it names the engine over any cookie.
        else facts.session = 'new';
      }
    }
    const decision = decide(facts, policy);
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
    recordDecision(decision.arm, decision.reason);
  }

  /** fastapi-users' own 404 body: with the gate closed, /fu_auth looks like it does not exist. */
  function gateNotFound(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    ctx.arm = 'legacy';
    metrics.gateDenials.inc();
    identify(res, ctx, 'legacy');
    res.writeHead(404, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(GATE_NOT_FOUND),
    });
    res.end(GATE_NOT_FOUND);
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
      deps.guard.record('new', 502); // the new arm failed, even though this client will not see it
      metrics.retries.inc();
      ctx.retried = true;
      req.url = ctx.originalUrl;
      return forward(req, res, ctx, 'legacy');
    }
    fail(req, res, ctx, kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE');
  }

  function onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    prepareHeaders(req, settings.trustForwarded);
    const target = upstreamTarget(req.url ?? '/');
    if (target === undefined) return void socket.destroy();
    req.url = target;
    deps.proxies.legacy.upgrade(req, socket, head);
  }

  return {
    onRequest: (req: IncomingMessage, res: ServerResponse) => {
      onRequest(req, res).catch((error: unknown) => {
        deps.logger.error({ err: error }, 'proxy handler failed');
        if (!res.headersSent) {
          const id = req.headers[REQUEST_ID_HEADER];
          if (typeof id === 'string') res.setHeader(REQUEST_ID_HEADER, id);
          sendError(res, 'INTERNAL');
        } else res.destroy();
      });
    },
    onUpgrade,
    onUpstreamResponse,
    onUpstreamError,
  };
}
