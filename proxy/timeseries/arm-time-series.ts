/**
 * What the dashboard's charts draw: per arm, requests, 5xx responses and a latency histogram in
 * 5-second buckets over the last 15 minutes, kept in memory by this process only (each proxy
 * instance has its own series; the dashboard says so). A ring of fixed typed arrays: O(1) to
 * record, no timers, no allocation per request; time comes from the injected clock.
 */
import type { Clock } from '../../src/lib/clock.js';
import { ARMS, type Arm } from '../policy/rollout-policy.js';
import { LATENCY_SLOTS, latencySlot, quantileMs } from './latency-histogram.js';

export const SERIES_BUCKET_SECONDS = 5;
export const SERIES_WINDOW_SECONDS = 15 * 60;

export interface ArmSeriesJson {
  requests: number[];
  errors: number[];
  /** Requests per second in each bucket (the current bucket: over the seconds elapsed so far). */
  rps: number[];
  /** 5xx share 0–1, null for a bucket without requests. */
  error_rate: (number | null)[];
  /** 95th percentile latency in ms (upper bound of its histogram slot), null when empty. */
  p95_ms: (number | null)[];
  totals: { requests: number; errors: number };
}

export interface TimeSeriesJson {
  bucket_seconds: number;
  window_seconds: number;
  now: string;
  /** Start of each bucket, Unix seconds, oldest first; the last one is the current bucket. */
  t: number[];
  arms: Record<Arm, ArmSeriesJson>;
}

/**
 * One bucket's raw counts, as a cluster worker reports them to the primary (which adds what is
 * new to its own series, so the dashboard charts the whole cluster).
 */
export interface SeriesBucket {
  arm: Arm;
  /** Bucket start, Unix seconds. */
  start: number;
  requests: number;
  errors: number;
  /** Counts per latency slot (latency-histogram.ts). */
  latency: number[];
}

function armSlots(count: number) {
  return {
    start: new Float64Array(count).fill(-1),
    requests: new Int32Array(count),
    errors: new Int32Array(count),
    latency: new Int32Array(count * LATENCY_SLOTS),
  };
}

export function createArmTimeSeries(
  clock: Clock,
  bucketSeconds = SERIES_BUCKET_SECONDS,
  windowSeconds = SERIES_WINDOW_SECONDS,
) {
  const count = Math.ceil(windowSeconds / bucketSeconds);
  const arms: Record<Arm, ReturnType<typeof armSlots>> = {
    legacy: armSlots(count),
    new: armSlots(count),
  };
  const bucketStart = (ms: number) => {
    const second = Math.floor(ms / 1000);
    return second - (second % bucketSeconds);
  };
  const indexOf = (start: number) => (start / bucketSeconds) % count;

  function record(arm: Arm, status: number, seconds: number): void {
    const start = bucketStart(clock.now().getTime());
    const s = arms[arm];
    const i = indexOf(start);
    if (s.start[i] !== start) {
      s.start[i] = start;
      s.requests[i] = 0;
      s.errors[i] = 0;
      s.latency.fill(0, i * LATENCY_SLOTS, (i + 1) * LATENCY_SLOTS);
    }
    s.requests[i]! += 1;
    if (status >= 500) s.errors[i]! += 1;
    s.latency[i * LATENCY_SLOTS + latencySlot(seconds * 1000)]! += 1;
  }

  function armJson(arm: Arm, starts: number[], nowMs: number): ArmSeriesJson {
    const s = arms[arm];
    const out: ArmSeriesJson = {
      requests: [],
      errors: [],
      rps: [],
      error_rate: [],
      p95_ms: [],
      totals: { requests: 0, errors: 0 },
    };
    const current = starts.at(-1)!;
    for (const start of starts) {
      const i = indexOf(start);
      const live = s.start[i] === start;
      const requests = live ? s.requests[i]! : 0;
      const errors = live ? s.errors[i]! : 0;
      const span = start === current ? Math.max(1, nowMs / 1000 - start) : bucketSeconds;
      out.requests.push(requests);
      out.errors.push(errors);
      out.rps.push(Math.round((requests / span) * 100) / 100);
      out.error_rate.push(requests ? Math.round((errors / requests) * 10_000) / 10_000 : null);
      out.p95_ms.push(live ? quantileMs(s.latency, i * LATENCY_SLOTS, 0.95) : null);
      out.totals.requests += requests;
      out.totals.errors += errors;
    }
    return out;
  }

  /** The live buckets that start at or after `since` (Unix seconds), both arms. */
  function bucketsSince(since: number): SeriesBucket[] {
    const out: SeriesBucket[] = [];
    for (const arm of ARMS) {
      const s = arms[arm];
      for (let i = 0; i < count; i++) {
        const start = s.start[i]!;
        if (start < since) continue;
        const latency = Array.from(s.latency.subarray(i * LATENCY_SLOTS, (i + 1) * LATENCY_SLOTS));
        out.push({ arm, start, requests: s.requests[i]!, errors: s.errors[i]!, latency });
      }
    }
    return out;
  }

  /** Adds counts to the bucket starting at `bucket.start` (ignored once that bucket has left the ring). */
  function addToBucket(bucket: SeriesBucket): void {
    const s = arms[bucket.arm];
    const i = indexOf(bucket.start);
    if (s.start[i]! > bucket.start) return;
    if (s.start[i] !== bucket.start) {
      s.start[i] = bucket.start;
      s.requests[i] = 0;
      s.errors[i] = 0;
      s.latency.fill(0, i * LATENCY_SLOTS, (i + 1) * LATENCY_SLOTS);
    }
    s.requests[i]! += bucket.requests;
    s.errors[i]! += bucket.errors;
    for (let k = 0; k < LATENCY_SLOTS; k++)
      s.latency[i * LATENCY_SLOTS + k]! += bucket.latency[k] ?? 0;
  }

  return {
    record,
    bucketsSince,
    addToBucket,
    toJson(): TimeSeriesJson {
      const now = clock.now();
      const current = bucketStart(now.getTime());
      const starts = Array.from(
        { length: count },
        (_, k) => current - (count - 1 - k) * bucketSeconds,
      );
      return {
        bucket_seconds: bucketSeconds,
        window_seconds: count * bucketSeconds,
        now: now.toISOString(),
        t: starts,
        arms: Object.fromEntries(
          ARMS.map((arm) => [arm, armJson(arm, starts, now.getTime())]),
        ) as Record<Arm, ArmSeriesJson>,
      };
    },
  };
}

export type ArmTimeSeries = ReturnType<typeof createArmTimeSeries>;
