// Settlement (SPEC §6): after the response, the reservation made at admission is corrected to what
// the request actually cost — a refund or an extra charge, usually of generated tokens.
import { advanceInPlace, cloneState } from "./advance";
import { SCALE } from "./bucket";
import { limitRpm } from "./limits-at";
import type { Policy } from "./policy";
import type { Cost, LimiterState } from "./types";

/**
 * Applies `reserved − actual` to each bucket at `now`. Conservation: admit(reserved) then
 * settle(reserved, actual) moves a bucket by exactly −actual, except that a refund never lifts a
 * bucket above its capacity (buckets never exceed L). Extra charges may go below the −(h−1)·L floor:
 * the tokens were really generated, so the debt is real and later requests wait for it.
 * This minute's usage (for growth) gains the tokens generated, which admission did not count (see
 * charge() in admit.ts), and its requests and prompt tokens are corrected like the buckets, never
 * below zero.
 */
export function settle(policy: Policy, state: LimiterState, reserved: Cost, actual: Cost, now: number): LimiterState {
  const st = cloneState(state);
  advanceInPlace(policy, st, now);
  const rpm = limitRpm(policy, st.sustainedMilli);
  const { levels, used } = st;
  levels.requests = applyDelta(levels.requests, rpm, reserved.requests - actual.requests);
  levels.tokensPrompt = applyDelta(levels.tokensPrompt, rpm * policy.tokensPromptPerRequest, reserved.tokensPrompt - actual.tokensPrompt);
  levels.tokensGenerated = applyDelta(
    levels.tokensGenerated,
    rpm * policy.tokensGeneratedPerReq,
    reserved.tokensGenerated - actual.tokensGenerated,
  );
  used.requests = Math.max(0, used.requests - (reserved.requests - actual.requests));
  used.tokensPrompt = Math.max(0, used.tokensPrompt - (reserved.tokensPrompt - actual.tokensPrompt));
  used.tokensGenerated += actual.tokensGenerated;
  return st;
}

/** A bucket level moved by `delta` units, never above its capacity (the per-minute limit). */
function applyDelta(level: number, perMinute: number, delta: number): number {
  return Math.min(perMinute * SCALE, level + delta * SCALE);
}
