import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, MemoryLimiterStore, limitKey } from "@/lib/limits";

const T0 = 28_333_334 * 60_000;
const ONE = { requests: 1, tokensPrompt: 1000, tokensGenerated: 100 };

describe("MemoryLimiterStore", () => {
  it("keeps one set of buckets per account × model", async () => {
    const store = new MemoryLimiterStore();
    for (let i = 0; i < 60; i++) await store.admit(limitKey("acct", "m1"), DEFAULT_POLICY, ONE, T0, 0);
    expect((await store.peek(limitKey("acct", "m1"), DEFAULT_POLICY, T0)).remaining.requests).toBe(0);
    expect((await store.peek(limitKey("acct", "m2"), DEFAULT_POLICY, T0)).remaining.requests).toBe(60);
    expect((await store.peek(limitKey("other", "m1"), DEFAULT_POLICY, T0)).remaining.requests).toBe(60);
  });

  it("peek changes nothing and shows the refill", async () => {
    const store = new MemoryLimiterStore();
    await store.admit("k", DEFAULT_POLICY, { ...ONE, requests: 30 }, T0, 0);
    const before = store.inspect("k", T0);
    expect(await store.peek("k", DEFAULT_POLICY, T0 + 10_000)).toMatchObject({
      remaining: { requests: 40 },
      overLimit: false,
      sustainedMinutes: 0,
    });
    expect(store.inspect("k", T0)).toBe(before);
  });

  it("a rejected request stores nothing", async () => {
    const store = new MemoryLimiterStore();
    const admission = await store.admit("k", DEFAULT_POLICY, { ...ONE, tokensGenerated: 1_000_000 }, T0, 0);
    expect(admission.decision.outcome).toBe("too_large");
    expect(store.size).toBe(0);
  });

  it("settles a reservation", async () => {
    const store = new MemoryLimiterStore();
    const reserved = { requests: 1, tokensPrompt: 10, tokensGenerated: 1000 };
    await store.admit("k", DEFAULT_POLICY, reserved, T0, 0);
    await store.settle("k", DEFAULT_POLICY, reserved, { ...reserved, tokensGenerated: 400 }, T0);
    expect((await store.peek("k", DEFAULT_POLICY, T0)).remaining.tokensGenerated).toBe(5600);
  });

  it("forgets idle keys once they equal fresh ones", async () => {
    const store = new MemoryLimiterStore();
    for (let i = 0; i < 100; i++) await store.admit(`k${i}`, DEFAULT_POLICY, ONE, T0, 0);
    expect(store.size).toBe(100);
    await store.admit("late", DEFAULT_POLICY, ONE, T0 + 48 * 3_600_000, 0);
    expect(store.size).toBe(1);
  });

  it("refuses malformed costs (the gateway validates first; this is the last line)", async () => {
    const store = new MemoryLimiterStore();
    await expect(store.admit("k", DEFAULT_POLICY, { requests: 1.5, tokensPrompt: 0, tokensGenerated: 0 }, T0, 0)).rejects.toThrow(
      RangeError,
    );
    await expect(store.admit("k", DEFAULT_POLICY, { requests: 1, tokensPrompt: -1, tokensGenerated: 0 }, T0, 0)).rejects.toThrow(
      RangeError,
    );
  });
});
