// npm run bench:limits — admissions per second and latency of one admission, memory and Redis
// stores, 1 / 100 / 10,000 keys, each against a baseline measured in the same run: an empty
// function call (memory) and a plain INCR round trip (Redis at REDIS_URL, default 127.0.0.1:6379).
//
// Time is simulated (+1 ms per admission) under a 1,000,000 RPM policy so that every admission
// takes the full path — refill, minute closes, admit and write. Rejections are cheaper (no write).
import Redis from "ioredis";
import { DEFAULT_POLICY, LIMITER_REDIS_OPTIONS, MemoryLimiterStore, RedisLimiterStore, type Policy } from "../../lib/limits";
import { latencyAsync, latencySync, pairedLatencyAsync, throughputAsync, throughputSync } from "./measure";

const POLICY: Policy = { ...DEFAULT_POLICY, baseRpm: 1_000_000, capRpm: 1_000_000 };
const COST = { requests: 1, tokensPrompt: 500, tokensGenerated: 256 };
const KEY_COUNTS = [1, 100, 10_000];
const T0 = 28_333_334 * 60_000;
const CONCURRENCY = 64;

interface Row {
  store: string;
  keys: string;
  what: string;
  opsPerSecond: number;
  p50Us?: number;
  p99Us?: number;
  vs?: string;
}

const rows: Row[] = [];
const keysFor = (count: number, tag: string) => Array.from({ length: count }, (_, i) => `bench-${tag}-${i}:model`);

function benchMemory(): void {
  const N = 2_000_000;
  const empty = (i: number) => i; // the baseline: a call that does nothing
  throughputSync(N, empty);
  const baseline = { opsPerSecond: throughputSync(N, empty), ...latencySync(N / 4, empty) };
  rows.push({ store: "memory", keys: "-", what: "empty function call (baseline)", ...baseline });
  for (const count of KEY_COUNTS) {
    const store = new MemoryLimiterStore();
    const keys = keysFor(count, "mem");
    const admit = (i: number) => store.admitSync(keys[i % count]!, POLICY, COST, T0 + i, 0);
    throughputSync(N / 4, admit); // warm-up (and creates the keys)
    const opsPerSecond = throughputSync(N, (i) => admit(N / 4 + i));
    const latency = latencySync(N / 4, (i) => admit(N + N / 4 + i));
    // An empty call is inlined to almost nothing, so the honest comparison is time per operation.
    const nsEach = 1e9 / opsPerSecond;
    rows.push({
      store: "memory",
      keys: String(count),
      what: "admitSync",
      opsPerSecond,
      ...latency,
      vs: `${nsEach.toFixed(0)} ns each vs ${(1e9 / baseline.opsPerSecond).toFixed(1)} ns`,
    });
  }
}

async function benchRedis(url: string): Promise<void> {
  const redis = new Redis(url, { ...LIMITER_REDIS_OPTIONS, enableOfflineQueue: true });
  const prefix = `headroom-bench:${process.pid}:`;
  const store = new RedisLimiterStore(redis, { prefix });
  const SEQ = 20_000;
  const PAR = 100_000;
  try {
    await redis.ping();
    const incrKey = `${prefix}incr`;
    const incr = () => redis.incr(incrKey);
    await latencyAsync(2_000, incr); // warm-up
    let clock = T0;
    for (const count of KEY_COUNTS) {
      const keys = keysFor(count, "redis");
      const admit = (i: number) => store.admit(keys[i % count]!, POLICY, COST, (clock += 1), 0);
      await throughputAsync(Math.max(2_000, count), CONCURRENCY, admit); // warm-up, loads the script, creates the keys
      const [base, seq] = await pairedLatencyAsync(SEQ, incr, admit);
      // Throughput baseline measured right before, so both see the same machine load.
      const incrPar = await throughputAsync(PAR, CONCURRENCY, incr);
      const par = await throughputAsync(PAR, CONCURRENCY, admit);
      const keysLabel = String(count);
      const p50 = (seq.p50Us / base.p50Us).toFixed(2);
      const p99 = (seq.p99Us / base.p99Us).toFixed(2);
      rows.push({ store: "redis", keys: keysLabel, what: "INCR, 1 in flight (baseline)", ...base });
      rows.push({ store: "redis", keys: keysLabel, what: "admit, 1 in flight", ...seq, vs: `p50 ${p50}×, p99 ${p99}× INCR` });
      rows.push({ store: "redis", keys: keysLabel, what: `INCR, ${CONCURRENCY} in flight (baseline)`, opsPerSecond: incrPar });
      rows.push({
        store: "redis",
        keys: keysLabel,
        what: `admit, ${CONCURRENCY} in flight`,
        opsPerSecond: par,
        vs: `${(par / incrPar).toFixed(2)}× INCR/s`,
      });
    }
    if (store.degraded) throw new Error("Redis store fell back to local limits during the benchmark");
  } finally {
    await deleteByPrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
  }
}

async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

function print(): void {
  const header = ["store", "keys", "operation", "ops/s", "p50 µs", "p99 µs", "vs baseline"];
  const cells = rows.map((r) => [
    r.store,
    r.keys,
    r.what,
    Math.round(r.opsPerSecond).toLocaleString("en-US"),
    r.p50Us === undefined ? "" : r.p50Us.toFixed(2),
    r.p99Us === undefined ? "" : r.p99Us.toFixed(2),
    r.vs ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i < 3 || i === 6 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  ");
  console.log([line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n"));
}

function verdicts(): void {
  const memory = rows.filter((r) => r.store === "memory" && r.what === "admitSync");
  console.log(
    `\nmemory > 500k admissions/s on one core: ${memory.every((r) => r.opsPerSecond > 500_000) ? "yes" : "NO"} (min ${Math.round(Math.min(...memory.map((r) => r.opsPerSecond))).toLocaleString("en-US")}/s)`,
  );
  const ratios = KEY_COUNTS.flatMap((count) => {
    const base = rows.find((r) => r.keys === String(count) && r.what.startsWith("INCR, 1"));
    const seq = rows.find((r) => r.keys === String(count) && r.what === "admit, 1 in flight");
    return base && seq ? [seq.p99Us! / base.p99Us!] : [];
  });
  if (ratios.length > 0)
    console.log(
      `redis admission p99 < 2× INCR p99: ${ratios.every((r) => r < 2) ? "yes" : "NO"} (worst ${Math.max(...ratios).toFixed(2)}×)`,
    );
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, policy ${POLICY.baseRpm} RPM, cost ${JSON.stringify(COST)}\n`);
  benchMemory();
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  try {
    await benchRedis(url);
  } catch (error) {
    console.error(`redis (${url}) skipped: ${error instanceof Error ? error.message : String(error)}`);
  }
  print();
  verdicts();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
