// The Lua script and the pure core are the same algorithm: driven with the same explicit `now`
// through the same random sequences, they make the same decisions and hold the same numbers.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY, MemoryLimiterStore, admit, freshState, settle, viewAt, type Admission } from "@/lib/limits";
import { opsArb, policyArb, startArb, type Op } from "../../unit/limits/arbitraries";
import { connect, deletePrefix, storeOn, uniquePrefix } from "./redis-fixture";

const prefix = uniquePrefix("parity");
// This compares algorithms, not outages: a generous command timeout (production's 250 ms can pass
// while 1,440 pipelined admissions queue on a loaded 2-core machine), and any failure throws
// rather than quietly failing over to a fresh local limiter.
const redis = connect(undefined, { commandTimeout: 15_000 });
const store = storeOn(redis, prefix, { onUnavailable: "throw" });

afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

let run = 0;

describe("Lua script ≡ pure core", () => {
  it("same decisions, same remaining values, same stored state — for random policies and traffic", async () => {
    await fc.assert(
      fc.asyncProperty(
        policyArb.chain((p) => fc.tuple(fc.constant(p), opsArb(p, 40), startArb)),
        async ([policy, ops, start]) => {
          const key = `k${run++}`;
          // The reference is the pure core itself (no store, so no expiry on simulated time).
          let state = freshState(policy, start);
          let now = start;
          for (const op of ops as Op[]) {
            now += op.step;
            if (op.kind === "settle") {
              await store.settle(key, policy, op.reserved, op.actual, now);
              state = settle(policy, state, op.reserved, op.actual, now);
            } else {
              const count = op.kind === "burst" ? op.count : 1;
              for (let i = 0; i < count; i++) {
                const fromRedis: Admission = await store.admit(key, policy, op.cost, now, op.load);
                const fromCore = admit(policy, state, op.cost, now, op.load);
                expect(fromRedis).toEqual(fromCore.admission);
                state = fromCore.state;
              }
            }
            const stored = await store.inspect(key);
            if (stored) expect(stored).toEqual(state); // absent only while every admission was rejected
            expect(await store.peek(key, policy, now + 30_000)).toEqual(viewAt(policy, state, now + 30_000));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("agrees on the SPEC §6 growth table, minute by minute", async () => {
    const key = "table";
    const memory = new MemoryLimiterStore();
    const start = 28_333_334 * 60_000;
    const cost = { requests: 1, tokensPrompt: 1000, tokensGenerated: 100 };
    for (let minute = 0; minute <= 120; minute++) {
      const t = start + minute * 60_000;
      const rpm = (await memory.peek(key, DEFAULT_POLICY, t)).limits.requests;
      expect((await store.peek(key, DEFAULT_POLICY, t)).limits.requests).toBe(rpm);
      if (minute === 10) expect(rpm).toBe(120);
      if (minute === 60) expect(rpm).toBe(720);
      if (minute === 120) expect(rpm).toBe(1440);
      // Pipelined: the minute's requests at the times the simulator would send them.
      const times = Array.from({ length: rpm }, (_, i) => t + Math.floor((i * 60_000) / rpm));
      const fromRedis = await Promise.all(times.map((at) => store.admit(key, DEFAULT_POLICY, cost, at, 0)));
      const fromCore = times.map((at) => memory.admitSync(key, DEFAULT_POLICY, cost, at, 0));
      expect(fromRedis).toEqual(fromCore);
    }
  });
});
