import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, SCALE, advance, freshState } from "@/lib/limits";
import { refillLevel } from "@/lib/limits/bucket";

describe("bucket refill", () => {
  it("refills L/60 per second, continuously: 60 RPM gives one request per second, half a request per half second", () => {
    expect(refillLevel(0, 60, 1000)).toBe(1 * SCALE);
    expect(refillLevel(0, 60, 500)).toBe(0.5 * SCALE);
    expect(refillLevel(0, 60, 1)).toBe(60); // one unit per ms per RPM: exact at any granularity
    expect(refillLevel(-60 * SCALE, 60, 60_000)).toBe(0);
    expect(refillLevel(0, 60, 120_000)).toBe(60 * SCALE); // capped at capacity
  });

  it("equals min(capacity, level + L·dt) exactly, computed in BigInt", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.double({ min: -3, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        (perMinute, fill, dt) => {
          const level = Math.floor(fill * perMinute * SCALE);
          const capacity = BigInt(perMinute) * BigInt(SCALE);
          const exact = BigInt(level) + BigInt(perMinute) * BigInt(dt);
          expect(BigInt(refillLevel(level, perMinute, dt))).toBe(exact < capacity ? exact : capacity);
        },
      ),
    );
  });

  it("is the same in one step or two (no rounding, no drift)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.integer({ min: -2, max: 1 }),
        fc.nat(200_000),
        fc.nat(200_000),
        (perMinute, fill, a, b) => {
          const level = fill * perMinute * SCALE;
          expect(refillLevel(refillLevel(level, perMinute, a), perMinute, b)).toBe(refillLevel(level, perMinute, a + b));
        },
      ),
    );
  });

  it("advancing in many small steps equals advancing once, across minute boundaries and idle hours", () => {
    const start = 1_700_000_012_345;
    const state = {
      ...freshState(DEFAULT_POLICY, start),
      sustainedMilli: 100_000,
      levels: { requests: -50 * SCALE, tokensPrompt: 0, tokensGenerated: 10 },
    };
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400_000 }), { minLength: 1, maxLength: 30 }), (steps) => {
        let stepped = state;
        let now = start;
        for (const step of steps) stepped = advance(DEFAULT_POLICY, stepped, (now += step));
        expect(stepped).toEqual(advance(DEFAULT_POLICY, state, now));
      }),
    );
  });

  it("never rewinds: a time before the last refill (clock skew) refills nothing", () => {
    const state = { ...freshState(DEFAULT_POLICY, 1_000_000), levels: { requests: 0, tokensPrompt: 0, tokensGenerated: 0 } };
    expect(advance(DEFAULT_POLICY, state, 900_000)).toEqual(state);
  });
});
