/**
 * What happens when a response is over: request metrics, the dashboard's series, the guard (only
 * for requests the policy routed for an identified user: see guard/guard.ts) and one log line.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../src/lib/logger.js';
import type { Guard } from '../guard/guard.js';
import { createRequestRecorder, type ProxyMetrics } from '../metrics.js';
import type { ArmTimeSeries } from '../timeseries/arm-time-series.js';
import type { RequestContext } from './request-context.js';

export function createOutcomeRecorder(deps: {
  metrics: ProxyMetrics;
  guard: Guard;
  series: ArmTimeSeries;
  logger: Logger;
}) {
  const recordRequest = createRequestRecorder(deps.metrics);
  return (req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void => {
    const status = res.writableFinished ? String(res.statusCode) : 'aborted';
    const seconds = Number(process.hrtime.bigint() - ctx.startedAt) / 1e9;
    recordRequest(ctx.arm, ctx.route.label, status, seconds);
    if (res.writableFinished) {
      if (ctx.guarded)
        deps.guard.record({ arm: ctx.arm, status: res.statusCode, client: ctx.client });
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
  };
}
