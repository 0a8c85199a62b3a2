// Redis unreachable → the store fails open to per-instance limits (counted, logged once), and goes
// back to Redis when it answers again.
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY, connectRedisLimiterStore, LimiterUnavailableError, type LimiterOp } from "@/lib/limits";
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
