// Prometheus metrics (GET /api/metrics). One registry per process, shared by the fast path and
// Next's route handlers (both module copies find it on globalThis).
import client from "prom-client";

function create() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new client.Counter({
      name: "headroom_gateway_requests_total",
      help: "Gateway requests by model and outcome (in_limit, over_limit, 400, 401, 402, 404, 429, 503, 500)",
      labelNames: ["model", "outcome"] as const,
      registers: [registry],
    }),
    admissionSeconds: new client.Histogram({
      name: "headroom_admission_seconds",
      help: "Time to admit a request (auth, status, spend reservation, rate limit)",
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers: [registry],
    }),
    limiterSeconds: new client.Histogram({
      name: "headroom_limiter_seconds",
      help: "Rate-limit store latency per admission",
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01],
      registers: [registry],
    }),
    queueDepth: new client.Gauge({
      name: "headroom_queue_depth",
      help: "Requests waiting for a model slot",
      labelNames: ["priority"] as const,
      registers: [registry],
    }),
    meterQueue: new client.Gauge({ name: "headroom_meter_queue", help: "Usage records waiting to be committed", registers: [registry] }),
    meterFlushSeconds: new client.Histogram({
      name: "headroom_meter_flush_seconds",
      help: "Duration of one group commit of usage records",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    meterBatchSize: new client.Histogram({
      name: "headroom_meter_batch_size",
      help: "Usage records per group commit",
      buckets: [1, 2, 5, 10, 25, 50, 100, 200, 400],
      registers: [registry],
    }),
    limiterFallback: new client.Counter({
      name: "headroom_limiter_fallback_total",
      help: "Admissions decided by the local limiter because Redis was unreachable",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof create>;
const KEY = Symbol.for("headroom.metrics");

export function metrics(): Metrics {
  const g = globalThis as Record<symbol, Metrics | undefined>;
  return (g[KEY] ??= create());
}
