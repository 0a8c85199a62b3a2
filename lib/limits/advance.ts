// Time passing with no traffic: continuous refill and minute closes. Pure from the outside (the
// input state is never touched); internally one copy is mutated so the hot path allocates little.
import { SCALE, refillLevel } from "./bucket";
import { closeMinute, emptyMinuteIsNoop } from "./growth";
import { limitRpm, limitsAt } from "./limits-at";
import { MS_PER_MINUTE } from "./policy-constants";
import type { Policy } from "./policy";
import type { LimiterState } from "./types";

/** A key nobody has used: full buckets at the base limit, no growth. */
export function freshState(policy: Policy, now: number): LimiterState {
  const limits = limitsAt(policy, 0);
  const at = Math.floor(now);
  return {
    minute: Math.floor(at / MS_PER_MINUTE),
    refilledAt: at,
    sustainedMilli: 0,
    levels: {
      requests: limits.requests * SCALE,
      tokensPrompt: limits.tokensPrompt * SCALE,
      tokensGenerated: limits.tokensGenerated * SCALE,
    },
    used: { requests: 0, tokensPrompt: 0, tokensGenerated: 0 },
    growthBlocked: false,
  };
}

export function cloneState(st: LimiterState): LimiterState {
  // Field by field, not spread: this is on every admission's path and spread is several times slower.
  const { levels, used } = st;
  return {
    minute: st.minute,
    refilledAt: st.refilledAt,
    sustainedMilli: st.sustainedMilli,
    levels: { requests: levels.requests, tokensPrompt: levels.tokensPrompt, tokensGenerated: levels.tokensGenerated },
    used: { requests: used.requests, tokensPrompt: used.tokensPrompt, tokensGenerated: used.tokensGenerated },
    growthBlocked: st.growthBlocked,
  };
}

/** The state at `now`, had no request arrived since `state`. */
export function advance(policy: Policy, state: LimiterState, now: number): LimiterState {
  const st = cloneState(state);
  advanceInPlace(policy, st, now);
  return st;
}

/**
 * Mutates `st` to `now`. Each minute boundary on the way refills at the limit in force up to the
 * boundary, then closes the minute (which may change the limit). A time before `refilledAt` (clock
 * skew between instances) counts as `refilledAt`: a late clock sees no refill, never a rewind.
 * Time is whole milliseconds, as in the Redis script, so levels stay integers.
 */
export function advanceInPlace(policy: Policy, st: LimiterState, now: number): void {
  const at = Math.max(Math.floor(now), st.refilledAt);
  const minute = Math.floor(at / MS_PER_MINUTE);
  while (st.minute < minute) {
    refillTo(policy, st, (st.minute + 1) * MS_PER_MINUTE);
    closeMinute(policy, st);
    // Minutes without usage that change nothing: jump, the final refill covers the gap exactly.
    if (emptyMinuteIsNoop(policy, st.sustainedMilli)) st.minute = minute;
  }
  refillTo(policy, st, at);
}

function refillTo(policy: Policy, st: LimiterState, at: number): void {
  const dt = at - st.refilledAt;
  const rpm = limitRpm(policy, st.sustainedMilli);
  const levels = st.levels;
  levels.requests = refillLevel(levels.requests, rpm, dt);
  levels.tokensPrompt = refillLevel(levels.tokensPrompt, rpm * policy.tokensPromptPerRequest, dt);
  levels.tokensGenerated = refillLevel(levels.tokensGenerated, rpm * policy.tokensGeneratedPerReq, dt);
  st.refilledAt = at;
}
