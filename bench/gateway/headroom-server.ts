// Headroom as `npm start` runs it (server.ts: Next + the /v1 fast path), on the configuration in
// the environment (DATABASE_URL / REDIS_URL / HEADROOM_DATA_DIR), for the benchmark.
// BENCH_DIAG=1 prints, every 5 s, the event loop's delay and the GC's pauses over that window:
// what a request's tail latency is made of, seen from inside the server.
import diagnostics from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHistogram, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { metrics } from "../../lib/metrics";
import { runHeadroom } from "../../lib/runtime/run-headroom";
import v8 from "node:v8";

// BENCH_V8_FLAGS: V8 flags NODE_OPTIONS does not accept (e.g. --trace-gc-nvp), set before start-up.
if (process.env.BENCH_V8_FLAGS) v8.setFlagsFromString(process.env.BENCH_V8_FLAGS);

process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret";
(process.env as Record<string, string>).NODE_ENV = "production";
await runHeadroom({
  root: process.cwd(),
  port: Number(process.env.PORT),
  dataDir: process.env.HEADROOM_DATA_DIR ?? "/tmp/headroom-bench",
  webhookSecret: "whsec_bench",
});

if (process.env.BENCH_DIAG === "1") {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gcs: number[] = [];
  let kinds: Record<string, number> = {};
  // Server-side latency: from the request's headers parsed to the response's last byte handed to the kernel.
  const served = createHistogram();
  const began = new WeakMap<IncomingMessage, bigint>();
  diagnostics.subscribe("http.server.request.start", (m) =>
    began.set((m as { request: IncomingMessage }).request, process.hrtime.bigint()),
  );
  diagnostics.subscribe("http.server.response.finish", (m) => {
    const { request } = m as { request: IncomingMessage; response: ServerResponse };
    const t = began.get(request);
    if (t !== undefined) served.record(Math.max(1, Number(process.hrtime.bigint() - t)));
  });
  // The stall trace, by wall-clock time: GC pauses over 3 ms, timers over 5 ms late and meter
  // flushes over 5 ms (lines up with the load generator's BENCH_STALLS=1 slots), and every spend lease
  // grant (it holds the account's row lock, which the meter's flushes wait for).
  const at = (t: number) => new Date(performance.timeOrigin + t).toISOString();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcs.push(e.duration);
      const kind =
        { 1: "minor", 4: "major", 8: "incremental", 16: "weak-cb" }[(e as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? "other";
      kinds[kind] = (kinds[kind] ?? 0) + e.duration;
      if (e.duration > 3) console.error(`[stall] ${at(e.startTime)} gc (${kind}) ${e.duration.toFixed(1)} ms`);
    }
  }).observe({ entryTypes: ["gc"] });
  let expected = performance.now() + 2;
  setInterval(() => {
    const now = performance.now();
    if (now - expected > 5) console.error(`[stall] ${at(expected)} event loop ${(now - expected).toFixed(1)} ms late`);
    expected = now + 2;
  }, 2).unref();
  diagnostics.subscribe("headroom:meter:flush", (m) => {
    const { size, started, ms } = m as { size: number; started: number; ms: number };
    if (ms > 5) console.error(`[stall] ${at(started)} flush of ${size} took ${ms.toFixed(1)} ms`);
  });
  diagnostics.subscribe("headroom:spend:grant", (m) => {
    const { started, ms } = m as { started: number; ms: number };
    console.error(`[stall] ${at(started)} spend lease grant took ${ms.toFixed(1)} ms`);
  });
  setInterval(() => {
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    const sorted = gcs.sort((x, y) => y - x);
    const total = gcs.reduce((x, y) => x + y, 0);
    console.error(
      `[diag] loop delay p50 ${ms(loop.percentile(50))} p99 ${ms(loop.percentile(99))} max ${ms(loop.max)} ms | ` +
        `gc ${gcs.length}× total ${total.toFixed(0)} ms, longest ${sorted
          .slice(0, 5)
          .map((d) => d.toFixed(1))
          .join(", ")} ms`,
    );
    console.error(
      `[diag] served in p50 ${ms(served.percentile(50))} p99 ${ms(served.percentile(99))} max ${ms(served.max)} ms (${served.count} requests)`,
    );
    served.reset();
    loop.reset();
    console.error(`[diag] gc ms by kind ${JSON.stringify(kinds)}`);
    void (async () => {
      for (const h of [metrics().meterFlushSeconds, metrics().admissionSeconds, metrics().meterBatchSize]) {
        const v = await h.get();
        const buckets = v.values.filter((x) => x.metricName?.endsWith("_bucket")).map((x) => `≤${x.labels.le}:${x.value}`);
        console.error(`[diag] ${v.name} ${buckets.join(" ")}`);
      }
    })();
    gcs = [];
    kinds = {};
  }, 5_000).unref();
}

/**
 * Runs `begin`, waits 4 s, runs `end` and writes what it returns to `file` — 8 s after start-up,
 * so the window is the steady state, without start-up and warm-up.
 */
async function inspectorWindow(
  file: string,
  what: string,
  begin: (session: import("node:inspector/promises").Session) => Promise<unknown>,
  end: (session: import("node:inspector/promises").Session) => Promise<{ profile: unknown }>,
): Promise<void> {
  const { Session } = await import("node:inspector/promises");
  const fs = await import("node:fs");
  const session = new Session();
  session.connect();
  setTimeout(() => {
    void (async () => {
      await begin(session);
      await new Promise((r) => setTimeout(r, 4_000));
      const { profile } = await end(session);
      fs.writeFileSync(file, JSON.stringify(profile));
      console.error(`[diag] ${what} written to ${file}`);
    })();
  }, 8_000).unref();
}

// BENCH_HEAP_PROFILE=<file>: sampled allocations that outlived a scavenge (young objects that died
// are left out, unless BENCH_HEAP_ALL=1): what the young generation promotes.
if (process.env.BENCH_HEAP_PROFILE) {
  await inspectorWindow(
    process.env.BENCH_HEAP_PROFILE,
    "heap profile",
    (session) =>
      session.post("HeapProfiler.startSampling", {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: process.env.BENCH_HEAP_ALL === "1",
      }),
    (session) => session.post("HeapProfiler.stopSampling"),
  );
}

// BENCH_HEAP_SNAPSHOT=<file>: one heap snapshot 8 s after start-up (what is reachable under load).
if (process.env.BENCH_HEAP_SNAPSHOT) {
  setTimeout(() => {
    v8.writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
    console.error(`[diag] heap snapshot written to ${process.env.BENCH_HEAP_SNAPSHOT}`);
  }, 8_000).unref();
}

// BENCH_CPU_PROFILE=<file>: the V8 CPU profiler over the window: where a request's CPU goes.
if (process.env.BENCH_CPU_PROFILE) {
  await inspectorWindow(
    process.env.BENCH_CPU_PROFILE,
    "CPU profile",
    async (session) => {
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 200 });
      await session.post("Profiler.start");
    },
    (session) => session.post("Profiler.stop"),
  );
}
