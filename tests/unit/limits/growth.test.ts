import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_POLICIES,
  DEFAULT_POLICY,
  SCALE,
  admit,
  advance,
  freshState,
  limitsAt,
  settle,
  simulate,
  viewAt,
  type Policy,
} from "@/lib/limits";
import { isGrowthGated } from "@/lib/limits/growth";
import { policyConstants } from "@/lib/limits/policy-constants";
import { opsArb, policyArb, startArb } from "./arbitraries";
import { runPure } from "./helpers";

const T0 = 28_333_334 * 60_000;

describe("growth", () => {
  const rows = simulate({ policy: DEFAULT_POLICY, traffic: { kind: "track" }, minutes: 180 });

  it("reproduces SPEC §6's table for traffic that tracks its limit: 60 → 120 (10 min) → 720 (1 h) → 1440 (2 h)", () => {
    const at = (minute: number) => rows[minute]!.limits;
    expect(at(0)).toEqual({ requests: 60, tokensPrompt: 60_000, tokensGenerated: 6_000 });
    expect(at(10)).toEqual({ requests: 120, tokensPrompt: 120_000, tokensGenerated: 12_000 });
    expect(at(60)).toEqual({ requests: 720, tokensPrompt: 720_000, tokensGenerated: 72_000 });
    expect(at(120)).toEqual({ requests: 1440, tokensPrompt: 1_440_000, tokensGenerated: 144_000 });
    // Base holds until 12 × sustained minutes exceeds it.
    expect(rows.slice(0, 6).every((r) => r.limits.requests === 60)).toBe(true);
    expect(at(6).requests).toBe(72);
  });

  it("a max_tokens reservation still open when the minute closes is not usage: only what was generated counts", () => {
    // One request a minute, sent 0.3 s before the boundary, reserving 80 % of OTPM and answered with
    // 20 tokens 2.3 s later: the usage of a client far below its limit, whatever it reserves.
    const reserved = { requests: 1, tokensPrompt: 10, tokensGenerated: 4_800 };
    const actual = { ...reserved, tokensGenerated: 20 };
    let state = freshState(DEFAULT_POLICY, T0);
    for (let minute = 0; minute < 30; minute++) {
      const sent = T0 + minute * 60_000 + 59_700;
      state = admit(DEFAULT_POLICY, state, reserved, sent, 0).state;
      state = settle(DEFAULT_POLICY, state, reserved, actual, sent + 2_300);
    }
    const view = viewAt(DEFAULT_POLICY, state, T0 + 31 * 60_000);
    expect(view.sustainedMinutes).toBe(0);
    expect(view.limits.requests).toBe(60);
    // Generating what it reserved (80 % of OTPM) within the minute is usage at the limit: each of
    // the five closed minutes is sustained.
    let busy = freshState(DEFAULT_POLICY, T0);
    for (let minute = 0; minute < 6; minute++) {
      const sent = T0 + minute * 60_000 + 59_700;
      busy = admit(DEFAULT_POLICY, busy, reserved, sent, 0).state;
      busy = settle(DEFAULT_POLICY, busy, reserved, reserved, sent + 100);
    }
    expect(viewAt(DEFAULT_POLICY, busy, T0 + 5 * 60_000 + 59_900).sustainedMinutes).toBe(5);
  });

  it("reaches the 2000 RPM cap (at minute 167) and stays there; every tracked request is in-limit", () => {
    expect(rows[166]!.limits.requests).toBe(1992);
    expect(rows.slice(167).every((r) => r.limits.requests === 2000)).toBe(true);
    expect(rows.every((r) => r.admittedInLimit === r.sent && r.rejected === 0)).toBe(true);
  });

  it("the cap holds and the limit never leaves [base, cap], under any traffic", () => {
    fc.assert(
      fc.property(
        policyArb.chain((p) => fc.tuple(fc.constant(p), opsArb(p), startArb)),
        ([policy, ops, start]) => {
          runPure(policy, start, ops, ({ after, now }) => {
            const rpm = viewAt(policy, after, now).limits.requests;
            expect(rpm).toBeGreaterThanOrEqual(policy.baseRpm);
            expect(rpm).toBeLessThanOrEqual(policy.capRpm);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("idle minutes halve the grown limit per idle hour and never go below base", () => {
    const grown = { ...freshState(DEFAULT_POLICY, T0), sustainedMilli: 167_000 };
    const after1h = advance(DEFAULT_POLICY, grown, T0 + 60 * 60_000);
    expect(after1h.sustainedMilli / 1000).toBeCloseTo(83.5, 0);
    expect(limitsAt(DEFAULT_POLICY, after1h.sustainedMilli).requests).toBeGreaterThanOrEqual(995);
    expect(limitsAt(DEFAULT_POLICY, after1h.sustainedMilli).requests).toBeLessThanOrEqual(1005);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 167_000 }), fc.integer({ min: 0, max: 3 * 24 * 60 }), (sustainedMilli, idleMinutes) => {
        const decayed = advance(DEFAULT_POLICY, { ...grown, sustainedMilli }, T0 + idleMinutes * 60_000);
        expect(decayed.sustainedMilli).toBeLessThanOrEqual(sustainedMilli);
        expect(limitsAt(DEFAULT_POLICY, decayed.sustainedMilli).requests).toBeGreaterThanOrEqual(DEFAULT_POLICY.baseRpm);
      }),
    );
  });

  it("after its idle TTL a key is exactly a fresh key (so stores may expire it)", () => {
    const { idleTtlMs } = policyConstants(DEFAULT_POLICY);
    expect(idleTtlMs).toBeLessThan(24 * 3_600_000);
    const grown = {
      ...freshState(DEFAULT_POLICY, T0),
      sustainedMilli: 167_000,
      levels: { requests: -2000 * SCALE, tokensPrompt: 0, tokensGenerated: 0 },
    };
    expect(advance(DEFAULT_POLICY, grown, T0 + idleTtlMs)).toEqual(freshState(DEFAULT_POLICY, T0 + idleTtlMs));
    fc.assert(
      fc.property(
        policyArb.filter((p) => p.idleThresholdPct > 0).chain((p) => fc.tuple(fc.constant(p), opsArb(p, 30), startArb)),
        ([policy, ops, start]) => {
          // Without settlements: an extra charge may leave debt beyond the floor (see README).
          const state = runPure(
            policy,
            start,
            ops.filter((op) => op.kind !== "settle"),
          );
          const at = state.refilledAt + policyConstants(policy).idleTtlMs;
          expect(advance(policy, state, at)).toEqual(freshState(policy, at));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("minutes between the idle and sustain thresholds neither grow nor decay", () => {
    const rowsHalf = simulate({ policy: DEFAULT_POLICY, traffic: { kind: "constant", rpm: 30 }, minutes: 30 });
    expect(rowsHalf.every((r) => r.sustainedMinutes === 0 && r.limits.requests === 60)).toBe(true);
  });

  it("usage in any one dimension counts: a prompt-heavy client at 17 % of its RPM grows on prompt tokens", () => {
    const rowsHeavy = simulate({ policy: DEFAULT_POLICY, traffic: { kind: "constant", rpm: 10 }, minutes: 11, promptTokens: 5_000 });
    expect(rowsHeavy[1]!.sustainedMinutes).toBe(1);
    // 50,000 prompt tokens a minute stay ≥ 80 % of ITPM up to 62.5 RPM: growth stops at 72 RPM (6 minutes)
    // and, at 69 % of ITPM, does not decay either.
    expect(rowsHeavy[10]!.sustainedMinutes).toBe(6);
    expect(rowsHeavy[10]!.limits.requests).toBe(72);
  });

  it("the capacity gate stops growth while the model runs above 90 % of capacity", () => {
    const gated = simulate({ policy: DEFAULT_POLICY, traffic: { kind: "track" }, minutes: 30, modelLoad: 0.95 });
    expect(gated.every((r) => r.limits.requests === 60 && r.sustainedMinutes === 0)).toBe(true);
    const atGate = simulate({ policy: DEFAULT_POLICY, traffic: { kind: "track" }, minutes: 11, modelLoad: 0.9 });
    expect(atGate[10]!.limits.requests).toBe(120); // exactly 90 % is not above 90 %
    expect(isGrowthGated(DEFAULT_POLICY, 0.9)).toBe(false);
    expect(isGrowthGated(DEFAULT_POLICY, 0.900001)).toBe(true);
  });

  it("one admission above the gate blocks that minute only", () => {
    let state = freshState(DEFAULT_POLICY, T0);
    for (let i = 0; i < 60; i++)
      state = admit(DEFAULT_POLICY, state, { requests: 1, tokensPrompt: 0, tokensGenerated: 0 }, T0 + i * 1000, i === 30 ? 1.5 : 0).state;
    expect(advance(DEFAULT_POLICY, state, T0 + 60_000).sustainedMilli).toBe(0);
    for (let i = 0; i < 60; i++)
      state = admit(DEFAULT_POLICY, state, { requests: 1, tokensPrompt: 0, tokensGenerated: 0 }, T0 + 60_000 + i * 1000, 0).state;
    expect(advance(DEFAULT_POLICY, state, T0 + 120_000).sustainedMilli).toBe(1000);
  });

  it("bigger models grow slower: the built-in 'large' policy", () => {
    const large: Policy = BUILTIN_POLICIES.large!;
    const rowsLarge = simulate({ policy: large, traffic: { kind: "track" }, minutes: 61 });
    expect(rowsLarge[60]!.limits.requests).toBe(240);
    expect(rowsLarge[60]!.limits.requests).toBeLessThan(rows[60]!.limits.requests);
  });
});
