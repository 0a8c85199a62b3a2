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

  it("keys expire when idle", async () => {
    const store = storeOn(a, prefix);
    await store.admit("acct:ttl", DEFAULT_POLICY, ONE, Date.now(), 0);
    const ttl = await a.pttl(`${prefix}acct:ttl`);
    expect(ttl).toBeGreaterThan(60 * 60_000);
    expect(ttl).toBeLessThanOrEqual(48 * 3_600_000);
  });
});
