import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, SCALE, admit, advance, freshState, type Cost, type LimiterState, type Policy } from "@/lib/limits";
import { opsArb, policyArb, startArb, costArb } from "./arbitraries";
import { capacityOf, runPure } from "./helpers";

const ONE: Cost = { requests: 1, tokensPrompt: 1000, tokensGenerated: 100 };
const T0 = 28_333_334 * 60_000; // a minute boundary

describe("admission", () => {
  it("a fresh key admits L in-limit, then (h−1)·L over-limit, then rejects with retry-after", () => {
    let state = freshState(DEFAULT_POLICY, T0);
    const outcomes: string[] = [];
    let last;
    for (let i = 0; i < 130; i++) {
      const result = admit(DEFAULT_POLICY, state, ONE, T0, 0);
      state = result.state;
      outcomes.push(result.admission.decision.outcome);
      last = result.admission;
      if (i === 59) {
        // The 60th request exactly empties the buckets: still in-limit, nothing remains.
        expect(result.admission).toMatchObject({ overLimit: false, remaining: { requests: 0, tokensPrompt: 0, tokensGenerated: 0 } });
      }
    }
    expect(outcomes.filter((o) => o === "admit")).toHaveLength(60);
    expect(outcomes.filter((o) => o === "admit_over_limit")).toHaveLength(60);
    expect(outcomes.slice(120).every((o) => o === "reject")).toBe(true);
    // At −L a request needs one request's worth of refill: 1 s at 60 RPM.
    expect(last).toMatchObject({ decision: { outcome: "reject", retryAfterSeconds: 1 }, overLimit: true, limits: { requests: 60 } });
  });

  it("over-limit means the request did not fit: some bucket ends below zero", () => {
    const policy = DEFAULT_POLICY;
    // Only the prompt bucket overflows: 59,999 prompt tokens left, request needs 60,000.
    const state = {
      ...freshState(policy, T0),
      levels: { requests: 60 * SCALE, tokensPrompt: 59_999 * SCALE, tokensGenerated: 6000 * SCALE },
    };
    const big = { requests: 1, tokensPrompt: 60_000, tokensGenerated: 0 };
    expect(admit(policy, state, big, T0, 0).admission.decision.outcome).toBe("admit_over_limit");
    expect(admit(policy, state, { ...big, tokensPrompt: 59_999 }, T0, 0).admission.decision.outcome).toBe("admit");
  });

  it("a request larger than h·L in some dimension is too_large, not retryable", () => {
    const state = freshState(DEFAULT_POLICY, T0);
    const result = admit(DEFAULT_POLICY, state, { requests: 1, tokensPrompt: 10, tokensGenerated: 12_001 }, T0, 0);
    expect(result.admission.decision).toEqual({ outcome: "too_large", dimension: "tokensGenerated", maxCost: 12_000 });
    expect(result.state).toBe(state);
    expect(admit(DEFAULT_POLICY, state, { requests: 1, tokensPrompt: 10, tokensGenerated: 12_000 }, T0, 0).admission.decision.outcome).toBe(
      "admit_over_limit",
    );
  });

  it("a rejected request changes nothing", () => {
    fc.assert(
      fc.property(
        policyArb.chain((p) => fc.tuple(fc.constant(p), opsArb(p), startArb)),
        ([policy, ops, start]) => {
          runPure(policy, start, ops, ({ op, before, after, admissions, now }) => {
            if (op.kind !== "admit") return;
            const outcome = admissions[0]!.decision.outcome;
            if (outcome === "reject" || outcome === "too_large") {
              expect(after).toBe(before);
              // ...and the next admission behaves as if the rejected one never happened.
              const snapshot = structuredClone(before);
              admit(policy, before, op.cost, now, op.load);
              expect(before).toEqual(snapshot);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("buckets never exceed L, and the limit stays within [base, cap]", () => {
    fc.assert(
      fc.property(
        policyArb.chain((p) => fc.tuple(fc.constant(p), opsArb(p), startArb)),
        ([policy, ops, start]) => {
          runPure(policy, start, ops, ({ after, admissions }) => {
            const capacity = capacityOf(policy, after);
            expect(after.levels.requests).toBeLessThanOrEqual(capacity.requests);
            expect(after.levels.tokensPrompt).toBeLessThanOrEqual(capacity.tokensPrompt);
            expect(after.levels.tokensGenerated).toBeLessThanOrEqual(capacity.tokensGenerated);
            for (const a of admissions) {
              expect(a.limits.requests).toBeGreaterThanOrEqual(policy.baseRpm);
              expect(a.limits.requests).toBeLessThanOrEqual(policy.capRpm);
              expect(a.remaining.requests).toBeLessThanOrEqual(a.limits.requests);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("retry-after is correct: after waiting it the request is admitted, and (within the minute) not a second earlier", () => {
    fc.assert(
      fc.property(
        policyArb.chain((p) => fc.tuple(fc.constant(p), opsArb(p, 20), startArb, costArb(p), fc.constantFrom(0, 0.95))),
        ([policy, ops, start, cost, load]) => {
          let state = runPure(policy, start, ops);
          const now = Math.max(state.refilledAt, start);
          // Hammer at one instant until rejected (bounded: each admission sinks a bucket by ≥ 1 request).
          for (let i = 0; i < 10_000; i++) {
            const result = admit(policy, state, cost, now, load);
            const decision = result.admission.decision;
            if (decision.outcome === "too_large") return;
            if (decision.outcome === "reject") {
              const wait = decision.retryAfterSeconds;
              expect(wait).toBeGreaterThanOrEqual(1);
              expect(Number.isInteger(wait)).toBe(true);
              expect(admit(policy, state, cost, now + wait * 1000, load).admission.decision.outcome).toMatch(/^admit/);
              const earlier = now + (wait - 1) * 1000;
              if (wait > 1 && Math.floor(earlier / 60_000) === Math.floor(now / 60_000)) {
                expect(admit(policy, state, cost, earlier, load).admission.decision.outcome).toBe("reject");
              }
              return;
            }
            state = result.state;
          }
          throw new Error("never rejected");
        },
      ),
      { numRuns: 300 },
    );
  });

  it("retry-after holds across a minute boundary where an idle minute decays the limit", () => {
    // Grown to 720 RPM, then a burst sinks the buckets to the floor near the end of a minute in
    // which the account used little: waiting crosses the boundary and the limit decays there.
    const policy: Policy = { ...DEFAULT_POLICY, decayHalfLifeMinutes: 1 };
    const start = T0 + 59_000;
    const state: LimiterState = {
      ...freshState(policy, start),
      sustainedMilli: 60_000,
      levels: { requests: -720 * SCALE, tokensPrompt: 0, tokensGenerated: 0 },
    };
    const result = admit(policy, state, ONE, start, 0);
    expect(result.admission.decision.outcome).toBe("reject");
    const wait = result.admission.decision.outcome === "reject" ? result.admission.decision.retryAfterSeconds : 0;
    expect(admit(policy, state, ONE, start + wait * 1000, 0).admission.decision.outcome).toMatch(/^admit/);
    // The naive estimate at the old limit (1 s) would have crossed into the decayed minute and failed.
    expect(advance(policy, state, start + 1000).sustainedMilli).toBeLessThan(60_000);
  });
});
