// Redis unreachable → the store fails open to per-instance limits (counted, logged once), and goes
// back to Redis when it answers again; settles go where their request was admitted, those that
// could not reach Redis applied once it answers.
import { afterAll, describe, expect, it } from "vitest";
import {
  DEFAULT_POLICY,
  connectRedisLimiterStore,
  LimiterUnavailableError,
  MemoryLimiterStore,
  type LimiterOp,
  type RedisLimiterStore,
} from "@/lib/limits";
import { REDIS_URL, connect, deletePrefix, storeOn, uniquePrefix } from "./redis-fixture";
import { TcpProxy } from "./tcp-proxy";

const prefix = uniquePrefix("failover");
const direct = connect();
const target = new URL(REDIS_URL);
const ONE = { requests: 1, tokensPrompt: 1000, tokensGenerated: 100 };

afterAll(async () => {
  await deletePrefix(direct, prefix);
  direct.disconnect();
});

/** This minute's admitted requests as stored in Redis, read over a healthy connection. */
async function usedRequests(key: string): Promise<number | undefined> {
  return (await storeOn(direct, prefix).inspect(key))?.used.requests;
}

function recorder() {
  const lines: { level: string; msg: string }[] = [];
  const fallbacks: LimiterOp[] = [];
  const events: string[] = [];
  return {
    lines,
    fallbacks,
    events,
    logger: { warn: (msg: string) => lines.push({ level: "warn", msg }), info: (msg: string) => lines.push({ level: "info", msg }) },
    hooks: {
      onFallback: (op: LimiterOp) => fallbacks.push(op),
      onOutage: () => events.push("outage"),
      onRecover: () => events.push("recover"),
    },
  };
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Redis store failover", () => {
  it("serves locally when Redis refuses connections from the start", async () => {
    const rec = recorder();
    const store = await connectRedisLimiterStore("redis://127.0.0.1:1", {
      prefix,
      logger: rec.logger,
      hooks: rec.hooks,
      readyTimeoutMs: 300,
    });
    const admissions = [];
    for (let i = 0; i < 70; i++) admissions.push(await store.admit("acct:m", DEFAULT_POLICY, ONE, 1_000_000, 0));
    // The local limiter enforces the same policy: 60 in-limit, then over-limit.
    expect(admissions.filter((a) => a.decision.outcome === "admit")).toHaveLength(60);
    expect(admissions.filter((a) => a.decision.outcome === "admit_over_limit")).toHaveLength(10);
    expect(rec.fallbacks).toHaveLength(70);
    expect(rec.lines.filter((l) => l.level === "warn")).toHaveLength(1); // one line per outage, not per request
    expect(store.degraded).toBe(true);
    await store.close();
  });

  it("falls back when Redis goes away, logs once, and returns to Redis when it answers again", async () => {
    const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    await proxy.start();
    const rec = recorder();
    const store = await connectRedisLimiterStore(`redis://127.0.0.1:${proxy.port}`, {
      prefix,
      logger: rec.logger,
      hooks: rec.hooks,
      probeIntervalMs: 100,
    });
    const now = Date.now();

    await store.admit("acct:f", DEFAULT_POLICY, { ...ONE, requests: 10 }, now, 0);
    expect(await usedRequests("acct:f")).toBe(10);
    expect(rec.fallbacks).toHaveLength(0);

    await proxy.cut();
    for (let i = 0; i < 50; i++) {
      const admission = await store.admit("acct:f", DEFAULT_POLICY, ONE, now, 0);
      expect(admission.decision.outcome).toBe("admit"); // local buckets start fresh: fail open
    }
    expect(rec.fallbacks).toHaveLength(50);
    expect(rec.events).toEqual(["outage"]);
    expect(rec.lines.map((l) => l.level)).toEqual(["warn"]);
    expect(await usedRequests("acct:f")).toBe(10); // nothing reached Redis

    await proxy.start(proxy.port);
    await until(async () => {
      await store.admit("acct:f", DEFAULT_POLICY, ONE, now, 0);
      return !store.degraded;
    });
    expect(rec.events).toEqual(["outage", "recover"]);
    expect(rec.lines.map((l) => l.level)).toEqual(["warn", "info"]);
    // Shared state resumed where it was: 10 before the outage, plus what reached Redis since.
    const fallbacksBefore = rec.fallbacks.length;
    const usedBefore = (await usedRequests("acct:f")) ?? 0;
    expect(usedBefore).toBeGreaterThanOrEqual(10);
    expect(usedBefore).toBeLessThanOrEqual(11);
    await store.admit("acct:f", DEFAULT_POLICY, ONE, now, 0);
    expect(rec.fallbacks).toHaveLength(fallbacksBefore);
    expect(await usedRequests("acct:f")).toBe(usedBefore + 1);
    await store.close();
    await proxy.cut();
  });

  /** Admits on another key until the store has noticed the outage (it then sends Redis nothing). */
  async function untilDegraded(store: RedisLimiterStore): Promise<void> {
    await until(async () => {
      await store.admit("acct:probe", DEFAULT_POLICY, ONE, Date.now(), 0).catch(() => undefined);
      return store.degraded;
    });
  }

  async function untilRecovered(store: RedisLimiterStore): Promise<void> {
    await until(async () => {
      await store.ping().catch(() => undefined);
      return !store.degraded;
    });
  }

  // 4,000 generated tokens reserved (max_tokens), 100 generated: a settle gives 3,900 back.
  const RESERVED = { requests: 1, tokensPrompt: 1000, tokensGenerated: 4000 };
  const ACTUAL = { ...RESERVED, tokensGenerated: 100 };
  const UNIT = 60_000; // bucket levels are kept in 1/60000 token

  for (const onUnavailable of ["local", "throw"] as const) {
    it(`a settle that could not reach Redis is applied once when it answers again (onUnavailable: "${onUnavailable}")`, async () => {
      const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
      await proxy.start();
      const rec = recorder();
      const store = await connectRedisLimiterStore(`redis://127.0.0.1:${proxy.port}`, {
        prefix,
        onUnavailable,
        logger: rec.logger,
        hooks: rec.hooks,
        probeIntervalMs: 100,
      });
      const key = `acct:s-${onUnavailable}`;
      const now = Date.now();
      const admission = await store.admit(key, DEFAULT_POLICY, RESERVED, now, 0);
      expect(admission.local).toBeUndefined();
      const reserved = (await storeOn(direct, prefix).inspect(key))!;

      await proxy.cut();
      await untilDegraded(store);
      // Settled during the outage: kept, not thrown, and nothing reaches Redis.
      await store.settle(key, DEFAULT_POLICY, RESERVED, ACTUAL, now);
      expect(store.deferredSettles).toBe(1);
      expect(await storeOn(direct, prefix).inspect(key)).toEqual(reserved);

      await proxy.start(proxy.port);
      await untilRecovered(store);
      await until(() => store.deferredSettles === 0);
      const settled = (await storeOn(direct, prefix).inspect(key))!;
      expect(settled.levels.tokensGenerated - reserved.levels.tokensGenerated).toBe(3_900 * UNIT);
      expect(settled.used.tokensGenerated - reserved.used.tokensGenerated).toBe(100);
      expect(rec.lines.filter((l) => l.msg.includes("settles kept during the outage applied"))).toHaveLength(1);

      // Once: a second outage and recovery apply nothing again.
      await proxy.cut();
      await untilDegraded(store);
      await proxy.start(proxy.port);
      await untilRecovered(store);
      expect(await storeOn(direct, prefix).inspect(key)).toEqual(settled);
      await store.close();
      await proxy.cut();
    });
  }

  it("a request admitted locally during an outage is settled locally, even once Redis is back", async () => {
    const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    await proxy.start();
    const fallback = new MemoryLimiterStore();
    const store = await connectRedisLimiterStore(`redis://127.0.0.1:${proxy.port}`, {
      prefix,
      fallback,
      logger: { warn: () => undefined, info: () => undefined },
      probeIntervalMs: 100,
    });
    const now = Date.now();
    await proxy.cut();
    await untilDegraded(store);
    const admission = await store.admit("acct:l", DEFAULT_POLICY, RESERVED, now, 0);
    expect(admission.local).toBe(true);
    expect(fallback.peekSync("acct:l", DEFAULT_POLICY, now).remaining.tokensGenerated).toBe(6_000 - 4_000);

    await proxy.start(proxy.port);
    await untilRecovered(store);
    await store.settle("acct:l", DEFAULT_POLICY, RESERVED, ACTUAL, now, admission.local);
    // Given back where it was reserved; Redis, which never saw the reservation, is not credited.
    expect(fallback.peekSync("acct:l", DEFAULT_POLICY, now).remaining.tokensGenerated).toBe(6_000 - 100);
    expect(await storeOn(direct, prefix).inspect("acct:l")).toBeUndefined();
    expect(store.deferredSettles).toBe(0);
    await store.close();
    await proxy.cut();
  });

  it("a hung Redis (no answers) is detected by the command timeout, not waited on per request", async () => {
    const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    await proxy.start();
    const rec = recorder();
    const store = await connectRedisLimiterStore(`redis://127.0.0.1:${proxy.port}`, {
      prefix,
      logger: rec.logger,
      hooks: rec.hooks,
      probeIntervalMs: 60_000,
      redisOptions: { commandTimeout: 200 },
    });
    await store.admit("acct:h", DEFAULT_POLICY, ONE, Date.now(), 0);
    proxy.hang();
    const first = Date.now();
    await store.admit("acct:h", DEFAULT_POLICY, ONE, Date.now(), 0);
    expect(Date.now() - first).toBeGreaterThanOrEqual(150);
    const rest = Date.now();
    for (let i = 0; i < 20; i++) await store.admit("acct:h", DEFAULT_POLICY, ONE, Date.now(), 0);
    expect(Date.now() - rest).toBeLessThan(100); // circuit open: no request waits on Redis
    expect(rec.fallbacks).toHaveLength(21);
    expect(rec.lines).toHaveLength(1);
    await store.close();
    await proxy.cut();
  });

  it('onUnavailable: "throw" surfaces LimiterUnavailableError (for a 503) instead of failing open', async () => {
    const store = await connectRedisLimiterStore("redis://127.0.0.1:1", {
      prefix,
      onUnavailable: "throw",
      logger: { warn: () => undefined, info: () => undefined },
      readyTimeoutMs: 300,
    });
    await expect(store.admit("acct:t", DEFAULT_POLICY, ONE, Date.now(), 0)).rejects.toBeInstanceOf(LimiterUnavailableError);
    await expect(store.peek("acct:t", DEFAULT_POLICY, Date.now())).rejects.toBeInstanceOf(LimiterUnavailableError);
    await store.close();
  });
});
