/**
 * The proxy's Prometheus metrics, in a registry of its own (never prom-client's global one), so
 * every proxy built in one process (tests) counts for itself. In cluster mode the primary sums
 * the workers' counters and histograms; gauges say how they combine (`aggregator`).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createProxyMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'authshift_proxy_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'authshift_proxy_requests_total',
      help: 'Requests answered, by arm, route and status',
      labelNames: ['arm', 'route', 'status'],
      registers,
    }),
    duration: new Histogram({
      name: 'authshift_proxy_request_duration_seconds',
      help: 'Time from request to the end of the response, by arm, route and status',
      labelNames: ['arm', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    errors: new Counter({
      name: 'authshift_proxy_errors_total',
      help: 'Error responses the proxy produced itself (JSON error codes), by arm, route and code',
      labelNames: ['arm', 'route', 'code'],
      registers,
    }),
    upstreamErrors: new Counter({
      name: 'authshift_proxy_upstream_errors_total',
      help: 'Failures talking to an upstream, by arm and kind (refused, timeout, reset, other)',
      labelNames: ['arm', 'kind'],
      registers,
    }),
    retries: new Counter({
      name: 'authshift_proxy_retries_total',
      help: 'Requests retried on the legacy arm because the new arm could not be reached',
      registers,
    }),
    decisions: new Counter({
      name: 'authshift_proxy_decisions_total',
      help: 'Split decisions by arm and the rule that decided',
      labelNames: ['arm', 'reason'],
      registers,
    }),
    gateDenials: new Counter({
      name: 'authshift_proxy_gate_denials_total',
      help: '/fu_auth requests answered 404 because gate_fu_auth kept the user on legacy',
      registers,
    }),
    bodyRefusals: new Counter({
      name: 'authshift_proxy_body_refusals_total',
      help: 'Identity bodies the proxy could not read and answered itself (the monolith would refuse them too), by route and why',
      labelNames: ['route', 'why'],
      registers,
    }),
    upgradeRefusals: new Counter({
      name: 'authshift_proxy_upgrade_refusals_total',
      help: 'Protocol upgrades asked for on an auth route (answered "not found"), by route',
      labelNames: ['route'],
      registers,
    }),
    rejectedOverrides: new Counter({
      name: 'authshift_proxy_rejected_overrides_total',
      help: 'x-authshift-force-arm headers ignored, by why (unsigned, malformed, bad_signature, expired)',
      labelNames: ['why'],
      registers,
    }),
    policyVersion: new Gauge({
      name: 'authshift_proxy_policy_version',
      help: 'Version of the policy this instance applies (0 = none loaded yet)',
      aggregator: 'min', // across cluster workers: the oldest version any of them applies
      registers,
    }),
    policyPercent: new Gauge({
      name: 'authshift_proxy_policy_percent',
      help: 'Rollout percentage of the policy this instance applies',
      aggregator: 'max', // across cluster workers: the largest share any of them still sends
      registers,
    }),
    policyKilled: new Gauge({
      name: 'authshift_proxy_policy_killed',
      help: '1 when the kill switch is on in the policy this instance applies',
      aggregator: 'max',
      registers,
    }),
    policyReadFailures: new Counter({
      name: 'authshift_proxy_policy_read_failures_total',
      help: 'Failed reads of rollout_policy (the last good policy stays in force)',
      registers,
    }),
    databaseUp: new Gauge({
      name: 'authshift_proxy_policy_database_up',
      help: '1 when the last read of the policy succeeded',
      aggregator: 'min', // across cluster workers: 1 only when every worker reads the database
      registers,
    }),
    guardTrips: new Counter({
      name: 'authshift_proxy_guard_trips_total',
      help: 'Times the guard set the percentage to 0',
      registers,
    }),
  };
}

export type ProxyMetrics = ReturnType<typeof createProxyMetrics>;

/**
 * Records one finished request. The labelled children are cached by key: prom-client hashes
 * the label object on every call otherwise, which showed up in the proxy's CPU profile.
 */
export function createRequestRecorder(metrics: ProxyMetrics) {
  const children = new Map<
    string,
    { count: { inc(): void }; time: { observe(value: number): void } }
  >();
  return (arm: string, route: string, status: string, seconds: number): void => {
    const key = `${arm}|${route}|${status}`;
    let child = children.get(key);
    if (!child) {
      child = {
        count: metrics.requests.labels(arm, route, status),
        time: metrics.duration.labels(arm, route, status),
      };
      children.set(key, child);
    }
    child.count.inc();
    child.time.observe(seconds);
  };
}

/** Counts one split decision, with the labelled children cached as in createRequestRecorder. */
export function createDecisionRecorder(metrics: ProxyMetrics) {
  const children = new Map<string, { inc(): void }>();
  return (arm: string, reason: string): void => {
    const key = `${arm}|${reason}`;
    let child = children.get(key);
    if (!child) {
      child = metrics.decisions.labels(arm, reason);
      children.set(key, child);
    }
    child.inc();
  };
}
