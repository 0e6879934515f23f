/**
 * Prometheus metrics across cluster workers, with prom-client's own cluster support: each worker
 * answers the primary's requests with its registry, the primary sums counters and histograms and
 * combines gauges by their `aggregator` (see metrics.ts). A worker that restarts starts its
 * counters from zero, which Prometheus reads as a counter reset.
 */
import { AggregatorRegistry, type PrometheusContentType, type Registry } from 'prom-client';

/** In a worker: answer the primary's metric requests with this registry. */
export function answerMetricRequests(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client installs its worker-side listener when an AggregatorRegistry is constructed.
  new AggregatorRegistry<PrometheusContentType>();
}

/** In the primary: a registry whose text is the aggregate of every live worker's metrics. */
export class ClusterRegistry extends AggregatorRegistry<PrometheusContentType> {
  override metrics(): Promise<string> {
    return this.clusterMetrics();
  }
}
