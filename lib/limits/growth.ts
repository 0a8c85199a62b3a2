// Growth bookkeeping (SPEC §6 "autoscaling"), applied when a minute closes.
import { MILLI, PPM, policyConstants } from "./policy-constants";
import { limitRpm } from "./limits-at";
import type { Policy } from "./policy";
import type { LimiterState } from "./types";

/**
 * Closes `st.minute` in place and opens the next one. The minute is judged against the limit that
 * was in force during it (growth only changes at minute boundaries, so there is exactly one):
 *   sustained (usage ≥ sustain% of the limit in ANY dimension) → +1 sustained minute, unless the
 *     model ran above the growth gate during the minute;
 *   idle (usage < idle% of the limit in EVERY dimension) → sustained minutes decay;
 *   in between → unchanged.
 */
export function closeMinute(policy: Policy, st: LimiterState): void {
  const rpm = limitRpm(policy, st.sustainedMilli);
  const prompt = rpm * policy.tokensPromptPerRequest;
  const generated = rpm * policy.tokensGeneratedPerReq;
  const { requests: r, tokensPrompt: p, tokensGenerated: g } = st.used;
  const reached = (pct: number) => r * 100 >= pct * rpm || p * 100 >= pct * prompt || g * 100 >= pct * generated;
  const { maxSustainedMilli, decayPpm } = policyConstants(policy);
  if (reached(policy.sustainThresholdPct)) {
    if (!st.growthBlocked) st.sustainedMilli = Math.min(st.sustainedMilli + MILLI, maxSustainedMilli);
  } else if (!reached(policy.idleThresholdPct)) {
    st.sustainedMilli = decayed(st.sustainedMilli, decayPpm);
  }
  st.used = { requests: 0, tokensPrompt: 0, tokensGenerated: 0 };
  st.growthBlocked = false;
  st.minute += 1;
}

/** One idle minute of decay: × 2^(−1/halfLife), floored, so it reaches 0 (and base) in finite time. */
export function decayed(sustainedMilli: number, decayPpm: number): number {
  return Math.floor((sustainedMilli * decayPpm) / PPM);
}

/** True when closing a minute without usage would change nothing (so a long gap can be skipped). */
export function emptyMinuteIsNoop(policy: Policy, sustainedMilli: number): boolean {
  return policy.idleThresholdPct === 0 || decayed(sustainedMilli, policyConstants(policy).decayPpm) === sustainedMilli;
}

/**
 * The capacity gate: the model's utilisation (0..1+, from the caller) above growthGatePct blocks
 * growth. Compared in ppm integers so that 0.9 is not "above 90 %" through float noise.
 */
export function isGrowthGated(policy: Policy, modelLoad: number): boolean {
  return Math.round(modelLoad * PPM) > policy.growthGatePct * (PPM / 100);
}
