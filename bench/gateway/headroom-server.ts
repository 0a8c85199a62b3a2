// Headroom as `npm start` runs it (server.ts: Next + the /v1 fast path), on the configuration in
// the environment (DATABASE_URL / REDIS_URL / HEADROOM_DATA_DIR), for the benchmark.
// BENCH_DIAG=1 prints, every 5 s, the event loop's delay and the GC's pauses over that window:
// what a request's tail latency is made of, seen from inside the server.
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { runHeadroom } from "../../lib/runtime/run-headroom";

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
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push(e.duration);
  }).observe({ entryTypes: ["gc"] });
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
    loop.reset();
    gcs = [];
  }, 5_000).unref();
}
