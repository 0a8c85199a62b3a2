// Two app instances (two connections, two stores) sharing Redis enforce ONE limit per key.
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY, MemoryLimiterStore, type Admission, type LimiterStore } from "@/lib/limits";
import { connect, deletePrefix, storeOn, uniquePrefix } from "./redis-fixture";

const prefix = uniquePrefix("shared");
const a = connect();
const b = connect();

afterAll(async () => {
  await deletePrefix(a, prefix);
  a.disconnect();
  b.disconnect();
});

const ONE = { requests: 1, tokensPrompt: 1000, tokensGenerated: 100 };

async function hammer(store: LimiterStore, key: string, count: number, now: () => number): Promise<Admission[]> {
  const all: Promise<Admission>[] = [];
  for (let i = 0; i < count; i++) all.push(store.admit(key, DEFAULT_POLICY, ONE, now(), 0));
  return Promise.all(all);
}

function tally(admissions: Admission[]): Record<string, number> {
  const counts: Record<string, number> = { admit: 0, admit_over_limit: 0, reject: 0 };
  for (const x of admissions) counts[x.decision.outcome] = (counts[x.decision.outcome] ?? 0) + 1;
  return counts;
}

describe("Redis store shared by two instances", () => {
  it("admits in-limit exactly what one instance would, however the requests interleave", async () => {
    const now = Date.now();
    const [fromA, fromB] = await Promise.all([
      hammer(storeOn(a, prefix), "acct:m", 300, () => now),
      hammer(storeOn(b, prefix), "acct:m", 300, () => now),
    ]);
    const one = new MemoryLimiterStore();
    const alone = await hammer(one, "acct:m", 600, () => now);
    expect(tally([...fromA, ...fromB])).toEqual(tally(alone));
    expect(tally(alone)).toEqual({ admit: 60, admit_over_limit: 60, reject: 480 });
  });

  it("both instances see the same buckets", async () => {
    const now = Date.now();
    await storeOn(a, prefix).admit("acct:seen", DEFAULT_POLICY, { ...ONE, requests: 25 }, now, 0);
    expect((await storeOn(b, prefix).peek("acct:seen", DEFAULT_POLICY, now)).remaining.requests).toBe(35);
  });

  it("with real time passing, the two instances together never exceed one limit's in-limit admissions", async () => {
    // 2 × 400 requests over ~1 s at 60 RPM: in-limit ≤ 60 + refill during the run (1 per second).
    const start = Date.now();
    const results = await Promise.all([
      hammer(storeOn(a, prefix), "acct:live", 400, Date.now),
      hammer(storeOn(b, prefix), "acct:live", 400, Date.now),
    ]);
    const elapsedSeconds = (Date.now() - start) / 1000;
    const counts = tally(results.flat());
    expect(counts.admit).toBeGreaterThanOrEqual(60);
    expect(counts.admit).toBeLessThanOrEqual(60 + Math.ceil(elapsedSeconds) + 1);
    expect(counts.admit! + counts.admit_over_limit!).toBeLessThanOrEqual(120 + 2 * (Math.ceil(elapsedSeconds) + 1));
  });

  it("on Redis's clock, an instance whose clock runs ahead refills nothing early", async () => {
    // Instance B's clock is 30 s ahead of A's. On the callers' clocks B would find half of a 60 RPM
    // bucket refilled right after A emptied it; on the server's clock both see the same instant.
    const skewMs = 30_000;
    const burst = { ...ONE, requests: 60 };
    const onCallers = [storeOn(a, prefix), storeOn(b, prefix)] as const;
    await onCallers[0].admit("acct:skew-caller", DEFAULT_POLICY, burst, Date.now(), 0);
    const early = await onCallers[1].admit("acct:skew-caller", DEFAULT_POLICY, ONE, Date.now() + skewMs, 0);
    expect(early.decision.outcome).toBe("admit");
    expect(early.remaining.requests).toBeGreaterThanOrEqual(28);

    const onServer = [storeOn(a, prefix, { time: "redis" }), storeOn(b, prefix, { time: "redis" })] as const;
    await onServer[0].admit("acct:skew-server", DEFAULT_POLICY, burst, Date.now(), 0);
    const same = await onServer[1].admit("acct:skew-server", DEFAULT_POLICY, ONE, Date.now() + skewMs, 0);
    expect(same.decision.outcome).toBe("admit_over_limit");
    expect(same.remaining.requests).toBe(0);
    // The state is stamped with Redis's time (this machine's: the same clock, within the test's run).
    const [seconds, micros] = await a.time();
    const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const state = await onServer[0].inspect("acct:skew-server");
    expect(redisNow - state!.refilledAt).toBeGreaterThanOrEqual(0);
    expect(redisNow - state!.refilledAt).toBeLessThan(5_000);
  });

  it("on Redis's clock, settlement and the 429's retry-after use the server's time too", async () => {
    const store = storeOn(a, prefix, { time: "redis" });
    const key = "acct:skew-retry";
    // 120 requests: the whole bucket and the whole debt allowed (h = 2): the next one is refused.
    await store.admit(key, DEFAULT_POLICY, { ...ONE, requests: 120 }, 0, 0);
    const refused = await store.admit(key, DEFAULT_POLICY, ONE, Date.now() + 3_600_000, 0);
    expect(refused.decision).toEqual({ outcome: "reject", retryAfterSeconds: 1 });
    // A refund of 60 requests, its caller's clock an hour behind: it lands now, taking the bucket
    // from −60 back to ~0 (plus what refilled since), not to what an hour would have refilled.
    await store.settle(key, DEFAULT_POLICY, { ...ONE, requests: 60 }, { ...ONE, requests: 0 }, 0);
    const state = await store.inspect(key);
    expect(state!.levels.requests).toBeGreaterThanOrEqual(0);
    expect(state!.levels.requests).toBeLessThan(5 * 60_000); // under 5 requests (1 per second refills)
    expect(Math.abs(state!.refilledAt - Date.now())).toBeLessThan(5_000);
  });

  it("keys expire when idle", async () => {
    const store = storeOn(a, prefix);
    await store.admit("acct:ttl", DEFAULT_POLICY, ONE, Date.now(), 0);
    const ttl = await a.pttl(`${prefix}acct:ttl`);
    expect(ttl).toBeGreaterThan(60 * 60_000);
    expect(ttl).toBeLessThanOrEqual(48 * 3_600_000);
  });
});
