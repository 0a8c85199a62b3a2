// `npm run bench:meter`: the gateway meter's group-commit statement (lib/billing/charge-usage-batch)
// alone, on a fresh PostgreSQL database (BENCH_DATABASE_URL) and on in-memory PGlite: for batches of
// 1, 16, 64 and 256 served requests, the round trip (p50/p90), this process's CPU per batch and the
// cost per request, with each batch size's cost per request as a ratio of a batch of one (what
// group commit buys). Every batch is a new set of requests; the account is the benchmark's Tier 4.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { closeDb, db, openPglite, setDb } from "../../lib/db";
import { applyMigrations } from "../../lib/db/migrate";
import { pgliteExecutor } from "../../lib/db/migrate-adapters";
import { MIGRATIONS_DIR, prepareDatabase } from "../../lib/db/prepare";
import { chargeUsageBatch, type UsageCharge } from "../../lib/billing/charge-usage-batch";
import { seedBenchAccount } from "../gateway/setup-data";

const pgServer = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const SIZES = [1, 16, 64, 256];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

async function measure(label: string): Promise<void> {
  const account = await db().account.findFirstOrThrow({ where: { name: "Benchmark" } });
  const model = await db().model.findFirstOrThrow({ where: { name: "bench-8b" } });
  const key = await db().apiKey.findFirstOrThrow({ where: { accountId: account.id } });
  let seq = 0;
  const batch = (n: number): UsageCharge[] =>
    Array.from({ length: n }, () => ({
      requestId: `req_bench_${(seq++).toString(36)}`,
      accountId: account.id,
      apiKeyId: key.id,
      modelId: model.id,
      modelName: model.name,
      promptTokens: 12,
      completionTokens: 16,
      n: 1,
      costMicros: 6n,
      overLimit: false,
      streamed: false,
      abandoned: false,
      latencyMs: 1,
      leaseId: null,
      limits: { requests: 1_000_000, tokensPrompt: 1_000_000_000, tokensGenerated: 100_000_000 },
      at: new Date(),
    }));
  console.log(`\n${label}`);
  console.log(
    "batch".padStart(6) +
      "p50 ms".padStart(10) +
      "p90 ms".padStart(10) +
      "CPU ms".padStart(10) +
      "µs/request".padStart(12) +
      "  vs batch of 1",
  );
  let single = 0;
  for (const size of SIZES) {
    for (let i = 0; i < 20; i++) await chargeUsageBatch(batch(size)); // warm-up: plans, JIT
    const batches = Array.from({ length: ROUNDS }, () => batch(size));
    const times: number[] = [];
    const cpu = process.cpuUsage();
    for (const b of batches) {
      const t = performance.now();
      await chargeUsageBatch(b);
      times.push(performance.now() - t);
    }
    const used = process.cpuUsage(cpu);
    times.sort((x, y) => x - y);
    const p50 = times[Math.floor(ROUNDS / 2)]!;
    const perRequest = (p50 / size) * 1000;
    if (size === 1) single = perRequest;
    console.log(
      String(size).padStart(6) +
        p50.toFixed(2).padStart(10) +
        times[Math.floor(ROUNDS * 0.9)]!.toFixed(2).padStart(10) +
        ((used.user + used.system) / ROUNDS / 1000).toFixed(2).padStart(10) +
        perRequest.toFixed(0).padStart(12) +
        `  ${(perRequest / single).toFixed(2)}×`,
    );
  }
}

// PostgreSQL: a fresh database, set up like the gateway benchmark's.
const name = `headroom_bench_meter_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: pgServer });
await admin.connect();
await admin.query(`CREATE DATABASE "${name}"`);
const url = new URL(pgServer);
url.pathname = `/${name}`;
try {
  process.env.DATABASE_URL = url.toString();
  await prepareDatabase();
  await seedBenchAccount();
  await measure(`PostgreSQL (${url.host})`);
  await closeDb();
} finally {
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

// PGlite in memory: the statement runs on this thread.
delete process.env.DATABASE_URL;
const handle = openPglite(null);
await applyMigrations(pgliteExecutor(handle.pglite!), { migrationsDir: MIGRATIONS_DIR });
setDb(handle);
await seedBenchAccount();
await measure("PGlite (embedded, in memory)");
await closeDb();
