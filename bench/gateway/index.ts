// `npm run bench:gateway`: in one run, (a) a bare Node http server and (b) a bare Next.js route
// handler returning a fixed completion, then (c) Headroom's /v1/chat/completions with full
// enforcement (auth, status, spend reservation, three buckets, priority slots, durable metering,
// settlement) on the instant simulated model — in-process limiter + PostgreSQL, Redis +
// PostgreSQL, and the embedded default (PGlite). Prints req/s, p50/p99 and the ratios c/a, c/b;
// then p99 at half of each configuration's peak.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { load, CHAT_BODY, CONVERSATION_BODY, type LoadResult } from "./load";
import { pacedInChild } from "./paced";
import { BENCH_KEY, benchAccounts, benchKey } from "./setup-data";
import { describeCpu, sampleCpu } from "./cpu";

const root = path.resolve(import.meta.dirname, "../..");
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const pgServer = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const BODY = (process.env.BENCH_PROMPT === "conversation" ? CONVERSATION_BODY : CHAT_BODY).replace("hr-small-8b", "bench-8b");

function child(cmd: string, args: string[], env: Record<string, string>, cwd = root): Promise<{ proc: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", HEADROOM_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn", ...env },
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    let out = "";
    const log = process.env.BENCH_SERVER_LOG ? fs.createWriteStream(process.env.BENCH_SERVER_LOG, { flags: "a" }) : null;
    proc.stdout!.on("data", (d: Buffer) => {
      log?.write(d);
      if (out.length > 100_000) return;
      out += d.toString();
      const m = /ready (\d+)|running at http:\/\/localhost:(\d+)|localhost:(\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1] ?? m[2] ?? m[3]) });
    });
    proc.on("exit", (code) => reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}:\n${out}`)));
  });
}

/** True while any process of the group is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the whole process group (npx does not forward signals) and resolves once every process
 * in it has exited — npx itself may exit first, while the server still writes its data folder.
 */
async function stop(proc: ChildProcess): Promise<void> {
  proc.removeAllListeners("exit");
  const pgid = proc.pid!;
  process.kill(-pgid, "SIGTERM");
  const started = Date.now();
  // (A zombie nobody reaps still answers signal 0: give up waiting after 15 s.)
  while (groupAlive(pgid) && Date.now() - started < 15_000) {
    if (Date.now() - started > 10_000) process.kill(-pgid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function freshPgDatabase(): Promise<string> {
  const name = `headroom_bench_${randomBytes(4).toString("hex")}`;
  const c = new pg.Client({ connectionString: pgServer });
  await c.connect();
  await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  const url = new URL(pgServer);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropPgDatabase(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: pgServer });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
  await c.end();
}

const results: LoadResult[] = [];
const halfPeak: LoadResult[] = [];
// A half-peak p99 moves a lot from one run to the next on a shared 2-core machine (8.7…67.6 ms in
// eleven identical runs): one run says little. BENCH_HALF_RUNS (default 3) runs it that many times
// back to back and reports the median run, with every run's p99.
const halfRuns = Math.max(1, Number(process.env.BENCH_HALF_RUNS ?? 3));

async function repeatedPaced(name: string, url: string, opts: Parameters<typeof pacedInChild>[2]): Promise<LoadResult> {
  const runs: LoadResult[] = [];
  for (let i = 0; i < halfRuns; i++) runs.push(await pacedInChild(name, url, opts));
  runs.sort((x, y) => x.p99 - y.p99);
  return { ...runs[Math.floor((runs.length - 1) / 2)]!, p99s: runs.map((r) => r.p99) };
}

/** "  (median of 3 runs; p99s 8.1, 9.0, 12.4 ms)" for a repeated run, "" for a single one. */
const spreadOf = (r: LoadResult): string =>
  r.p99s && r.p99s.length > 1 ? `  (median of ${r.p99s.length} runs; p99s ${r.p99s.join(", ")} ms)` : "";

// For investigating one configuration: BENCH_ONLY=c1|c2|c3|d runs just that one (no baselines, no
// ratios), and BENCH_RATE=N replaces its peak run by an open-loop run at N req/s.
const only = process.env.BENCH_ONLY;
const fixedRate = Number(process.env.BENCH_RATE ?? 0);

// (a) bare Node. Its server stays up (idle) to the end: (a) is measured again right after each
// configuration's peak, and that configuration's c/a is against this adjacent (a). The machine's
// speed drifts within one run (Headroom's CPU per request has doubled between two runs minutes
// apart): an (a) from minutes earlier can flatter a configuration or sink it.
let bareA: { proc: ChildProcess; url: string } | undefined;
/** Each (a) run: the first one, then one after each configuration's peak (its tag, e.g. "(c1)"). */
const aRuns: { after: string | null; rps: number }[] = [];
/** "(c1)" of "(c1) Headroom: …". */
const tagOf = (name: string) => name.slice(0, name.indexOf(")") + 1);
if (!only) {
  const { proc, port } = await child("npx", ["tsx", "bench/gateway/bare-node.ts"], {});
  bareA = { proc, url: `http://127.0.0.1:${port}/v1/chat/completions` };
  // However the run ends (a failed configuration throws), the idle (a) server goes with it.
  process.once("exit", () => {
    try {
      process.kill(-proc.pid!, "SIGKILL");
    } catch {
      /* already stopped */
    }
  });
  await load("warm-up", bareA.url, { seconds: 2, body: BODY });
  const before = sampleCpu(proc.pid!);
  const run = await load("(a) bare Node http", bareA.url, { seconds, body: BODY });
  results.push({ ...run, cpu: describeCpu(before, sampleCpu(proc.pid!), run.total, "server") });
  aRuns.push({ after: null, rps: run.rps });
}

/** (a) again, right after `name`'s peak run (a full benchmark run only). */
async function adjacentBaseline(name: string): Promise<void> {
  if (!bareA) return;
  const run = await load(`(a) bare Node http, after ${tagOf(name)}`, bareA.url, { seconds, body: BODY });
  aRuns.push({ after: tagOf(name), rps: run.rps });
}

// (b) bare Next route handler (production build of bench/gateway/next-baseline)
if (!only) {
  const dir = path.join(root, "bench/gateway/next-baseline");
  if (!fs.existsSync(path.join(dir, ".next/BUILD_ID"))) {
    const built = spawnSync("npx", ["next", "build", dir], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (built.status !== 0) throw new Error("next build of the baseline failed");
  }
  const port = 3900 + Math.floor(Math.random() * 50);
  const { proc } = await child("npx", ["next", "start", dir, "-p", String(port)], {});
  await load("warm-up", `http://127.0.0.1:${port}/v1/chat/completions`, { seconds: 2, body: BODY });
  const before = sampleCpu(proc.pid!);
  const run = await load("(b) bare Next route handler", `http://127.0.0.1:${port}/v1/chat/completions`, { seconds, body: BODY });
  results.push({ ...run, cpu: describeCpu(before, sampleCpu(proc.pid!), run.total, "server") });
  await stop(proc);
}

// (c) Headroom, full enforcement
const configs: { name: string; env: () => Promise<Record<string, string>>; cleanup?: (env: Record<string, string>) => Promise<void> }[] = [
  {
    name: "(c1) Headroom: in-process limiter + PostgreSQL",
    env: async () => ({ DATABASE_URL: await freshPgDatabase(), REDIS_URL: "" }),
    cleanup: (e) => dropPgDatabase(e.DATABASE_URL!),
  },
  {
    name: "(c2) Headroom: Redis + PostgreSQL",
    env: async () => ({ DATABASE_URL: await freshPgDatabase(), REDIS_URL: redisUrl }),
    cleanup: (e) => dropPgDatabase(e.DATABASE_URL!),
  },
  {
    name: "(c3) Headroom: embedded default (PGlite)",
    env: async () => ({ DATABASE_URL: "", REDIS_URL: "", HEADROOM_DATA_DIR: `/tmp/headroom-bench-${randomBytes(4).toString("hex")}` }),
    cleanup: async (e) => fs.rmSync(e.HEADROOM_DATA_DIR!, { recursive: true, force: true }),
  },
];

for (const config of configs) {
  if (only && !config.name.startsWith(`(${only})`)) continue;
  const env = { ...(await config.env()), HEADROOM_SIM_TOKENS_PER_SECOND: "0", HEADROOM_SIM_FIRST_TOKEN_MS: "0" };
  // The server stopped and its database or data folder removed even when a run fails (a bad flag, a crash).
  let proc: ChildProcess | undefined;
  try {
    const setup = spawnSync("npx", ["tsx", "bench/gateway/setup.ts"], { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    if (setup.status !== 0) throw new Error("bench setup failed");
    const port = 3950 + Math.floor(Math.random() * 40);
    // BENCH_SERVER_NODE_OPTIONS: V8/Node flags for Headroom's process only (e.g. GC experiments).
    const nodeOptions: Record<string, string> = process.env.BENCH_SERVER_NODE_OPTIONS
      ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS }
      : {};
    proc = (await child("npx", ["tsx", "bench/gateway/headroom-server.ts"], { ...env, ...nodeOptions, PORT: String(port) })).proc;
    const url = `http://127.0.0.1:${port}/v1/chat/completions`;
    const headers = { authorization: `Bearer ${BENCH_KEY}` };
    // BENCH_ACCOUNTS=N: the load is spread over N accounts' keys (each connection cycles through them).
    const headerSets =
      benchAccounts() > 1 ? Array.from({ length: benchAccounts() }, (_, i) => ({ authorization: `Bearer ${benchKey(i)}` })) : undefined;
    await load("warm-up", url, { seconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3), headers, headerSets, body: BODY });
    if (fixedRate) {
      const before = sampleCpu(proc.pid!);
      const run = await pacedInChild(`${config.name} @ ${fixedRate} req/s`, url, {
        seconds,
        headers,
        headerSets,
        body: BODY,
        rate: fixedRate,
      });
      // The open-loop generator is a child process: its CPU shows as "other".
      halfPeak.push({ ...run, cpu: describeCpu(before, sampleCpu(proc.pid!), run.total) });
    } else {
      const before = sampleCpu(proc.pid!);
      const peak = await load(config.name, url, { seconds, headers, headerSets, body: BODY });
      peak.cpu = describeCpu(before, sampleCpu(proc.pid!), peak.total);
      results.push(peak);
      await adjacentBaseline(config.name);
      // Latency at half of peak: a steady open-loop rate (see paced.ts for why not autocannon's rate).
      halfPeak.push(
        await repeatedPaced(`${config.name} @ half peak`, url, {
          seconds,
          headers,
          headerSets,
          body: BODY,
          rate: Math.max(1, Math.floor(peak.rps / 2)),
        }),
      );
    }
  } finally {
    if (proc) await stop(proc);
    await config.cleanup?.(env);
  }
}

// (d) the floor of durable metering (bare-durable.ts): bare Node + one PostgreSQL group commit per
// batch, a response sent only after its row is committed. Not a target: it shows how much of the
// distance from (a) any gateway that meters durably pays on this machine, and what is Headroom's.
if (!only || only === "d") {
  const dbUrl = await freshPgDatabase();
  const { proc, port } = await child("npx", ["tsx", "bench/gateway/bare-durable.ts"], { DATABASE_URL: dbUrl });
  const url = `http://127.0.0.1:${port}/v1/chat/completions`;
  await load("warm-up", url, { seconds: 2, body: BODY });
  const before = sampleCpu(proc.pid!);
  const name = "(d) bare Node + durable group commit";
  if (fixedRate) {
    const run = await pacedInChild(`${name} @ ${fixedRate} req/s`, url, { seconds, body: BODY, rate: fixedRate });
    halfPeak.push({ ...run, cpu: describeCpu(before, sampleCpu(proc.pid!), run.total, "server") });
  } else {
    const peak = await load(name, url, { seconds, body: BODY });
    peak.cpu = describeCpu(before, sampleCpu(proc.pid!), peak.total, "server");
    results.push(peak);
    await adjacentBaseline(name);
    halfPeak.push(await repeatedPaced(`${name} @ half peak`, url, { seconds, body: BODY, rate: Math.max(1, Math.floor(peak.rps / 2)) }));
    // At (c1)'s half-peak rate too: the same load, so the two p99s compare directly.
    const c1Half = halfPeak.find((r) => r.name.startsWith("(c1)"));
    if (c1Half)
      halfPeak.push(await repeatedPaced(`${name} @ (c1)'s half peak`, url, { seconds, body: BODY, rate: Math.round(c1Half.rps) }));
  }
  await stop(proc);
  await dropPgDatabase(dbUrl);
}

if (only) {
  for (const r of [...results, ...halfPeak]) {
    console.log(`${r.name}: ${r.rps.toFixed(0)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms${spreadOf(r)}  non-2xx ${r.non2xx}`);
    if (r.cpu) console.log(`  ${r.cpu}`);
  }
  process.exit(0);
}
if (bareA) await stop(bareA.proc);
const a = results[0]!.rps;
/** (a) measured right after this configuration's peak (the first (a) if there was none). */
const aFor = (name: string) => aRuns.find((r) => r.after === tagOf(name))?.rps ?? a;
const b = results[1]!.rps;
console.log("\nGateway benchmark — 64 connections, POST, small JSON body, " + seconds + " s per run\n");
console.log(
  "run".padEnd(52) + "req/s".padStart(10) + "p50 ms".padStart(9) + "p99 ms".padStart(9) + "non-2xx".padStart(9) + "   c/a    c/b",
);
// c/a to three decimals, rounded down: 0.2497 must not print as a met 0.25 target.
const down3 = (x: number) => (Math.floor(x * 1000) / 1000).toFixed(3);
for (const r of results) {
  const ratios = r.name.startsWith("(c") ? `${down3(r.rps / aFor(r.name)).padStart(6)} ${(r.rps / b).toFixed(1).padStart(6)}×` : "";
  console.log(
    r.name.padEnd(52) +
      r.rps.toFixed(0).padStart(10) +
      String(r.p50).padStart(9) +
      String(r.p99).padStart(9) +
      String(r.non2xx).padStart(9) +
      "  " +
      ratios,
  );
}
if (aRuns.length > 1) {
  const figures = aRuns.map((r) => `${r.rps.toFixed(0)} ${r.after ? `after ${r.after}` : "first"}`);
  const rps = aRuns.map((r) => r.rps);
  console.log(
    `\n(a) measured ${aRuns.length} times: ${figures.join(", ")} (spread ${((100 * (Math.max(...rps) - Math.min(...rps))) / Math.min(...rps)).toFixed(0)}%);` +
      ` each c/a is against the (a) measured right after that configuration.`,
  );
}
const d = results.find((r) => r.name.startsWith("(d)"));
const c1 = results.find((r) => r.name.startsWith("(c1)"));
if (d && c1) {
  console.log(
    `\nThe durable floor (d) is ${(d.rps / aFor(d.name)).toFixed(2)} × (a); (c1) is ${(c1.rps / d.rps).toFixed(2)} × (d) — the rest of the distance to (a) is Headroom's.`,
  );
}
console.log("\nWhere the CPU went at each run's peak (µs of CPU per request, and % of one core):");
for (const r of results) if (r.cpu) console.log(`${r.name}\n  ${r.cpu}`);
console.log("\nAt half of each configuration's peak (steady open-loop rate; latency counted from when each request was due):");
for (const r of halfPeak) {
  const lost = r.errors ? `  ${r.errors} unanswered or failed` : "";
  console.log(r.name.padEnd(64) + `${r.rps.toFixed(0)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms${spreadOf(r)}${lost}`);
}
console.log("\nTargets: (c1) ≥ 0.25 × (a) and ≥ 5 × (b); (c2) ≥ 3 × (b); p99 < 10 ms at half of peak.");
