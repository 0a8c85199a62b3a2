// `npm run bench:soak [-- --minutes N] [--redis] [--private-postgres]`: Headroom as `npm start`
// runs it (server.ts: Next + the /v1 fast path, full enforcement, instant simulated model), first
// driven at full speed to measure its peak (as bench:gateway does), then held at HALF that peak for
// N minutes (default 10). Every minute: throughput, p50/p99 latency, non-2xx, the server's RSS and
// event-loop delay (sampled every 5 s); at the end the slope of RSS and p99 over the run and
// whether each is flat.
//
// Database: a fresh database on SOAK_DATABASE_URL's server (default the local PostgreSQL, like
// bench:gateway), or with --private-postgres a throwaway cluster of its own (tests/faults/infra.ts).
// Rate limits: in-process by default; --redis uses SOAK_REDIS_URL (default redis://127.0.0.1:6379).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { load } from "../gateway/load";
import { PrivatePostgres, pickPort } from "../../tests/faults/infra";

const root = path.resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const minutes = option("minutes", 10);
const peakSeconds = option("peak-seconds", 10);
const connections = option("connections", 64);
const SAMPLE_MS = 5_000;
const KEY = "hr_benchBenchBenchBenchBenchBenchBenchBench";
const BODY = JSON.stringify({ model: "bench-8b", messages: [{ role: "user", content: "Say hello to the soak test." }], max_tokens: 16 });

if (!Number.isFinite(minutes) || minutes < 1) throw new Error("--minutes must be a whole number ≥ 1");

// ------------------------------------------------------------------------------ database and server
let privatePg: PrivatePostgres | null = null;
const server = flag("private-postgres")
  ? (privatePg = await PrivatePostgres.create(Number(process.env.SOAK_PG_PORT ?? 55532))).url
  : (process.env.SOAK_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const dbName = `headroom_soak_${randomBytes(4).toString("hex")}`;
{
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  await c.query(`CREATE DATABASE "${dbName}"`);
  await c.end();
}
const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
const env: Record<string, string> = {
  DATABASE_URL: dbUrl.toString(),
  REDIS_URL: flag("redis") ? (process.env.SOAK_REDIS_URL ?? "redis://127.0.0.1:6379") : "",
  HEADROOM_SIM_TOKENS_PER_SECOND: "0",
  HEADROOM_SIM_FIRST_TOKEN_MS: "0",
  HEADROOM_LOG_LEVEL: "warn",
  NEXT_TELEMETRY_DISABLED: "1",
  HEADROOM_DATA_DIR: `/tmp/headroom-soak-${randomBytes(4).toString("hex")}`,
  HEADROOM_STRIPE_EMULATOR_PORT: String(await pickPort(13111)),
};
const setup = spawnSync(process.execPath, ["--import", "tsx", "bench/gateway/setup.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, ...env },
});
if (setup.status !== 0) throw new Error("soak setup failed");

const port = await pickPort(3990);
// node itself (not npx): its pid is the server whose RSS we sample.
const proc: ChildProcess = spawn(process.execPath, ["--import", "tsx", "bench/gateway/headroom-server.ts"], {
  cwd: root,
  env: { ...process.env, ...env, PORT: String(port) },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise<void>((resolve, reject) => {
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    if (/running at/.test(out)) resolve();
  });
  proc.once("exit", (code) => reject(new Error(`server exited (${code}):\n${out}`)));
});
const base = `http://127.0.0.1:${port}`;
const url = `${base}/v1/chat/completions`;
const headers = { authorization: `Bearer ${KEY}` };

async function cleanup(): Promise<void> {
  if (proc.exitCode === null) {
    const gone = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    await gone;
    clearTimeout(t);
  }
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await c.end();
  privatePg?.destroy();
  fs.rmSync(env.HEADROOM_DATA_DIR!, { recursive: true, force: true });
}
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

// ------------------------------------------------------------------------------ sampling
function rssMb(): number {
  const status = fs.readFileSync(`/proc/${proc.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** prom-client's event-loop delay gauges (reset at each scrape: the window since the previous one). */
async function eventLoopDelay(): Promise<{ p99: number; max: number } | null> {
  try {
    const text = await (await fetch(`${base}/api/metrics`)).text();
    const read = (name: string) => Number(new RegExp(`^${name} ([\\d.e+-]+)`, "m").exec(text)?.[1] ?? NaN) * 1000;
    return { p99: read("nodejs_eventloop_lag_p99_seconds"), max: read("nodejs_eventloop_lag_max_seconds") };
  } catch {
    return null;
  }
}

interface Sample {
  at: number;
  rss: number;
  eld: { p99: number; max: number } | null;
}

// ------------------------------------------------------------------------------ peak, then half of it
console.log(`\nSoak: ${minutes} min at half of the measured peak — PostgreSQL${env.REDIS_URL ? " + Redis" : " + in-process limiter"}`);
await load("warm-up", url, { seconds: 3, headers, body: BODY, connections });
const peak = await load("peak", url, { seconds: peakSeconds, headers, body: BODY, connections });
const rate = Math.max(1, Math.floor(peak.rps / 2));
console.log(`peak ${peak.rps.toFixed(0)} req/s (p99 ${peak.p99} ms) → soaking at ${rate} req/s\n`);
await eventLoopDelay(); // reset the window

const rows: {
  minute: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  rss: number;
  rssMin: number;
  rssMax: number;
  eldP99: number;
  eldMax: number;
  load: number;
}[] = [];
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : NaN;
};
console.log("min    req/s   p50 ms   p99 ms  non-2xx  RSS MB median (min–max)   loop delay p99 / max ms   load avg");
for (let minute = 1; minute <= minutes; minute++) {
  const samples: Sample[] = [];
  const sampler = setInterval(() => {
    void eventLoopDelay().then((eld) => samples.push({ at: Date.now(), rss: rssMb(), eld }));
  }, SAMPLE_MS);
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    duration: 60,
    headers: { "content-type": "application/json", ...headers },
    body: BODY,
    overallRate: rate,
  });
  clearInterval(sampler);
  const rssSamples = [...samples.map((s) => s.rss), rssMb()];
  const eld = samples.map((s) => s.eld).filter((e): e is { p99: number; max: number } => e !== null && Number.isFinite(e.p99));
  const row = {
    minute,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    // The median of the 5-s samples: RSS swings with each GC; a leak moves the middle, not just the peaks.
    rss: median(rssSamples),
    rssMin: Math.min(...rssSamples),
    rssMax: Math.max(...rssSamples),
    load: os.loadavg()[0]!,
    eldP99: eld.length ? Math.max(...eld.map((e) => e.p99)) : NaN,
    eldMax: eld.length ? Math.max(...eld.map((e) => e.max)) : NaN,
  };
  rows.push(row);
  console.log(
    `${String(minute).padStart(3)} ${row.rps.toFixed(0).padStart(8)} ${String(row.p50).padStart(8)} ${String(row.p99).padStart(8)} ${String(row.non2xx + row.errors).padStart(8)}  ${row.rss.toFixed(0).padStart(6)} (${row.rssMin.toFixed(0)}–${row.rssMax.toFixed(0)})          ${row.eldP99.toFixed(1).padStart(8)} / ${row.eldMax.toFixed(1).padEnd(8)}   ${row.load.toFixed(1)}`,
  );
}

// ------------------------------------------------------------------------------ trends
/** Least-squares slope of y over x (per minute). */
function slope(ys: number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const xs = ys.map((_, i) => i + 1);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return num / den;
}
/**
 * Flat: the fitted drift over the whole run is under 10 % of the mean (or under an absolute floor,
 * for small values). Beyond that it is RISING (a leak, a slowdown: the soak fails) or FALLING
 * (still warming up, or the machine got quieter: reported, not a failure).
 */
function flat(ys: number[], floor: number): { slope: number; drift: number; flat: boolean; verdict: string } {
  const s = slope(ys);
  const drift = s * Math.max(1, ys.length - 1);
  const mean = ys.reduce((a, b) => a + b, 0) / Math.max(1, ys.length);
  const isFlat = Math.abs(drift) < Math.max(0.1 * mean, floor);
  return { slope: s, drift, flat: isFlat || drift < 0, verdict: isFlat ? "FLAT" : drift > 0 ? "RISING" : "FALLING" };
}
// The first minute includes warm-up effects (JIT, pools, caches): trends are fitted from minute 2 when there are ≥ 5 minutes.
const steady = rows.length >= 5 ? rows.slice(1) : rows;
const rssTrend = flat(
  steady.map((r) => r.rss),
  5,
);
const p99Trend = flat(
  steady.map((r) => r.p99),
  1,
);
const total = rows.reduce((a, r) => a + r.rps * 60, 0);
const failed = rows.reduce((a, r) => a + r.non2xx + r.errors, 0);
console.log(
  [
    "",
    `Served ${total.toFixed(0)} requests at ${rate} req/s target (${(total / (rows.length * 60)).toFixed(0)} req/s achieved), ${failed} non-2xx/errors.`,
    `RSS slope ${rssTrend.slope >= 0 ? "+" : ""}${rssTrend.slope.toFixed(2)} MB/min (drift ${rssTrend.drift.toFixed(1)} MB over the run): ${rssTrend.verdict}`,
    `p99 slope ${p99Trend.slope >= 0 ? "+" : ""}${p99Trend.slope.toFixed(3)} ms/min (drift ${p99Trend.drift.toFixed(2)} ms over the run): ${p99Trend.verdict}`,
    `(fitted over minutes ${steady[0]?.minute}–${steady[steady.length - 1]?.minute}; flat = drift under 10 % of the mean, or under 5 MB / 1 ms;`,
    ` load avg is the whole machine's: other work on it shows up in p99 and loop delay)`,
    "",
  ].join("\n"),
);
await cleanup();
process.exit(rssTrend.flat && p99Trend.flat && failed === 0 ? 0 : 1);
