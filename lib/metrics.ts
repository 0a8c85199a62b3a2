// Prometheus metrics (GET /api/metrics). One registry per process, shared by the fast path and
// Next's route handlers (both module copies find it on globalThis).
import client, { type Registry } from "prom-client";

// The gateway's per-request metrics. prom-client's own Histogram and Counter validate and hash
// their label object on every call (a closure, an object and a string per observation): ~4% of
// the gateway's CPU at its request rate. These record into plain numbers and render the same
// exposition at scrape time (tests/unit/metrics.test.ts compares the two).

/** What a registry reads from a metric at scrape time (prom-client's `get()` shape). */
export interface ScrapedMetric {
  name: string;
  help: string;
  type: "histogram" | "counter";
  aggregator: "sum";
  values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
}

/** An unlabelled histogram with fixed buckets, exposed like prom-client's. */
export class RequestHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private counts: Float64Array;
  private sum = 0;
  private count = 0;
  readonly name: string;
  readonly help: string;
  private readonly buckets: number[];

  constructor(opts: { name: string; help: string; buckets: number[]; registers: Registry[] }) {
    this.name = opts.name;
    this.help = opts.help;
    this.buckets = [...opts.buckets].sort((a, b) => a - b);
    this.counts = new Float64Array(this.buckets.length + 1);
    for (const r of opts.registers) r.registerMetric(this as never);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  async get(): Promise<ScrapedMetric> {
    const values: ScrapedMetric["values"] = [];
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += this.counts[i]!;
      values.push({ value: cumulative, labels: { le }, metricName: `${this.name}_bucket` });
    });
    values.push({ value: this.count, labels: { le: "+Inf" }, metricName: `${this.name}_bucket` });
    values.push({ value: this.sum, labels: {}, metricName: `${this.name}_sum` });
    values.push({ value: this.count, labels: {}, metricName: `${this.name}_count` });
    return { name: this.name, help: this.help, type: "histogram", aggregator: this.aggregator, values };
  }
}

/** A counter labelled by a fixed pair of label names, exposed like prom-client's. */
export class RequestCounter<A extends string, B extends string> {
  readonly type = "counter";
  readonly aggregator = "sum";
  private readonly cells = new Map<string, { labels: Record<A | B, string>; value: number }>();
  readonly name: string;
  readonly help: string;
  private readonly labelNames: readonly [A, B];

  constructor(opts: { name: string; help: string; labelNames: readonly [A, B]; registers: Registry[] }) {
    this.name = opts.name;
    this.help = opts.help;
    this.labelNames = opts.labelNames;
    for (const r of opts.registers) r.registerMetric(this as never);
  }

  inc(labels: Record<A | B, string>, by = 1): void {
    const [a, b] = this.labelNames;
    const key = `${labels[a]}\u0000${labels[b]}`;
    const cell = this.cells.get(key);
    if (cell) cell.value += by;
    else this.cells.set(key, { labels: { ...labels }, value: by });
  }

  reset(): void {
    this.cells.clear();
  }

  async get(): Promise<ScrapedMetric> {
    const values = [...this.cells.values()].map((c) => ({ value: c.value, labels: { ...c.labels } }));
    return { name: this.name, help: this.help, type: "counter", aggregator: this.aggregator, values };
  }
}

function create() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new RequestCounter({
      name: "headroom_gateway_requests_total",
      help: "Gateway requests by model and final outcome, each counted once: served (in_limit, over_limit), refused or failed (400, 401, 402, 404, 429, 503, 500), or client_closed (the client left before its answer)",
      labelNames: ["model", "outcome"] as const,
      registers: [registry],
    }),
    admissionSeconds: new RequestHistogram({
      name: "headroom_admission_seconds",
      help: "Time from a request's start (after its API key is checked) to its admission decision: body, validation, account status, prompt tokens, spend reservation, rate limit. Admitted requests only; waiting for a model slot is headroom_queue_wait_seconds",
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers: [registry],
    }),
    queueWaitSeconds: new RequestHistogram({
      name: "headroom_queue_wait_seconds",
      help: "Time an admitted request waited for a slot of its model (priority queue; 0 when one was free)",
      buckets: [0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    limiterSeconds: new RequestHistogram({
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
    meterFlushSeconds: new RequestHistogram({
      name: "headroom_meter_flush_seconds",
      help: "Duration of one group commit of usage records",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    meterBatchSize: new RequestHistogram({
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
