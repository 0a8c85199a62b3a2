import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, SCALE, admit, advance, freshState, settle, type Cost } from "@/lib/limits";
import { costArb, opsArb, policyArb, startArb } from "./arbitraries";
import { capacityOf, runPure } from "./helpers";

const T0 = 28_333_334 * 60_000;
const ZERO: Cost = { requests: 0, tokensPrompt: 0, tokensGenerated: 0 };

describe("settlement", () => {
  it("conserves tokens: admit(reserved) then settle(reserved → actual) charges exactly `actual`", () => {
    fc.assert(
      fc.property(
        policyArb.chain((p) => fc.tuple(fc.constant(p), opsArb(p, 20), startArb, costArb(p), costArb(p), fc.nat(30_000))),
        ([policy, ops, start, reserved, actual, later]) => {
          const state = runPure(policy, start, ops);
          const now = state.refilledAt + later;
          const admitted = admit(policy, state, reserved, now, 0);
          if (!admitted.admission.decision.outcome.startsWith("admit")) return;
          const before = advance(policy, state, now);
          const after = settle(policy, admitted.state, reserved, actual, now);
          expect(before.levels.requests - after.levels.requests).toBe(actual.requests * SCALE);
          expect(before.levels.tokensPrompt - after.levels.tokensPrompt).toBe(actual.tokensPrompt * SCALE);
          expect(before.levels.tokensGenerated - after.levels.tokensGenerated).toBe(actual.tokensGenerated * SCALE);
          expect(after.used.tokensGenerated - before.used.tokensGenerated).toBe(actual.tokensGenerated);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a refund never lifts a bucket above its capacity", () => {
    fc.assert(
      fc.property(
        policyArb.chain((p) => fc.tuple(fc.constant(p), opsArb(p, 20), startArb, costArb(p), fc.nat(600_000))),
        ([policy, ops, start, refund, later]) => {
          const state = runPure(policy, start, ops);
          const after = settle(policy, state, refund, ZERO, state.refilledAt + later);
          const capacity = capacityOf(policy, after);
          expect(after.levels.tokensGenerated).toBeLessThanOrEqual(capacity.tokensGenerated);
          expect(after.levels.tokensPrompt).toBeLessThanOrEqual(capacity.tokensPrompt);
          expect(after.levels.requests).toBeLessThanOrEqual(capacity.requests);
          expect(after.used.tokensGenerated).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it("refunds unused generated tokens and charges extra ones, even below the rejection floor", () => {
    const reserved = { requests: 1, tokensPrompt: 500, tokensGenerated: 256 };
    const { state } = admit(DEFAULT_POLICY, freshState(DEFAULT_POLICY, T0), reserved, T0, 0);
    expect(state.levels.tokensGenerated).toBe((6000 - 256) * SCALE);
    const refunded = settle(DEFAULT_POLICY, state, reserved, { ...reserved, tokensGenerated: 56 }, T0);
    expect(refunded.levels.tokensGenerated).toBe((6000 - 56) * SCALE);
    // An upstream that generated far more than reserved: the debt is real and stays.
    const charged = settle(DEFAULT_POLICY, state, reserved, { ...reserved, tokensGenerated: 20_000 }, T0);
    expect(charged.levels.tokensGenerated).toBe((6000 - 20_000) * SCALE);
  });
});
