// fast-check generators shared by the limiter's unit and integration tests.
import fc from "fast-check";
import { DEFAULT_POLICY, type Cost, type Policy } from "@/lib/limits";

/** Policies around the default, small enough that traffic crosses every threshold quickly. */
export const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    baseRpm: fc.integer({ min: 1, max: 120 }),
    extraCap: fc.integer({ min: 0, max: 3000 }),
    growthRpmPerMinute: fc.integer({ min: 0, max: 60 }),
    tokensPromptPerRequest: fc.integer({ min: 1, max: 2000 }),
    tokensGeneratedPerReq: fc.integer({ min: 1, max: 400 }),
    sustainThresholdPct: fc.integer({ min: 1, max: 100 }),
    idleFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    decayHalfLifeMinutes: fc.integer({ min: 1, max: 240 }),
    hardMultiplier: fc.integer({ min: 1, max: 4 }),
    growthGatePct: fc.integer({ min: 0, max: 150 }),
  })
  .map(({ extraCap, idleFraction, ...p }) => ({
    ...DEFAULT_POLICY,
    ...p,
    capRpm: p.baseRpm + extraCap,
    idleThresholdPct: Math.floor(idleFraction * (p.sustainThresholdPct - 1)),
  }));

export function costArb(policy: Policy): fc.Arbitrary<Cost> {
  // Mostly well under the base limit; sometimes up to 2.5 limits' worth, so too_large happens too.
  const upTo = (perMinute: number) =>
    fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 0, max: Math.ceil(perMinute / 3) }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: Math.ceil(perMinute * 2.5) }) },
    );
  return fc.record({
    requests: fc.integer({ min: 1, max: Math.max(1, Math.ceil(policy.baseRpm / 4)) }),
    tokensPrompt: upTo(policy.baseRpm * policy.tokensPromptPerRequest),
    tokensGenerated: upTo(policy.baseRpm * policy.tokensGeneratedPerReq),
  });
}

/** Time steps: mostly within a minute, sometimes across minutes, rarely hours. */
export const stepArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 5_000 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 90_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 6 * 3_600_000 }) },
);

export type Op =
  | { kind: "admit"; step: number; cost: Cost; load: number }
  | { kind: "settle"; step: number; reserved: Cost; actual: Cost }
  | { kind: "burst"; step: number; count: number; cost: Cost; load: number };

export function opsArb(policy: Policy, maxLength = 60): fc.Arbitrary<Op[]> {
  const cost = costArb(policy);
  const load = fc.constantFrom(0, 0.5, 0.9, 0.95, 1.2);
  return fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant("admit" as const), step: stepArb, cost, load }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("settle" as const), step: stepArb, reserved: cost, actual: cost }) },
      // Many requests at one instant: drives buckets deep into debt and rejection.
      {
        weight: 2,
        arbitrary: fc.record({ kind: fc.constant("burst" as const), step: stepArb, count: fc.integer({ min: 1, max: 150 }), cost, load }),
      },
    ),
    { minLength: 1, maxLength },
  );
}

/** An epoch-ms start time anywhere within a minute. */
export const startArb = fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 });
