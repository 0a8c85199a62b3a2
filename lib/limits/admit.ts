// Admission (SPEC §6): the pure decision for one request against a key's three buckets.
import { advance, advanceInPlace, cloneState } from "./advance";
import { SCALE, anyBelowZero, remainingOf } from "./bucket";
import { isGrowthGated } from "./growth";
import { limitRpm, limitsAt } from "./limits-at";
import { MILLI, MS_PER_MINUTE } from "./policy-constants";
import type { Policy } from "./policy";
import { DIMENSIONS, type Admission, type Cost, type Decision, type LimiterState } from "./types";

export interface AdmitResult {
  /** The key's new state; the very same object as the input when the request was not admitted. */
  state: LimiterState;
  admission: Admission;
}

/**
 * Decides one request of `cost` at `now`. `modelLoad` is the model's current utilisation of its
 * platform capacity (0..1+); above the policy's growth gate, this minute cannot grow the limit.
 *
 * - too_large: cost > h·L in some dimension — never admissible at this limit.
 * - reject: some bucket would end below −(h−1)·L. Nothing is consumed.
 * - admit_over_limit: admitted, and some bucket ends below zero — the request did not fit in what
 *   was left, so it (and only it, among requests that fit) is served at lower priority.
 * - admit: every bucket is still ≥ 0 after paying for the request.
 */
export function admit(policy: Policy, state: LimiterState, cost: Cost, now: number, modelLoad: number): AdmitResult {
  const st = cloneState(state);
  advanceInPlace(policy, st, now);
  const waitMs = msUntilAdmissible(policy, st, cost);
  if (waitMs !== 0) {
    const decision = waitMs > 0 ? rejection(policy, st, cost, waitMs) : tooLarge(policy, st, cost);
    return { state, admission: admissionOf(policy, st, decision, true) };
  }
  charge(st, cost);
  if (isGrowthGated(policy, modelLoad)) st.growthBlocked = true;
  const overLimit = anyBelowZero(st.levels);
  return { state: st, admission: admissionOf(policy, st, overLimit ? OVER_LIMIT : IN_LIMIT, overLimit) };
}

const IN_LIMIT: Decision = Object.freeze({ outcome: "admit" });
const OVER_LIMIT: Decision = Object.freeze({ outcome: "admit_over_limit" });

function admissionOf(policy: Policy, st: LimiterState, decision: Decision, overLimit: boolean): Admission {
  return {
    decision,
    limits: limitsAt(policy, st.sustainedMilli),
    remaining: remainingOf(st.levels),
    overLimit,
    sustainedMinutes: st.sustainedMilli / MILLI,
  };
}

/**
 * Takes the cost from the buckets. This minute's usage (for growth) counts the requests and prompt
 * tokens now; generated tokens count when they are settled (settle.ts), as what was generated: a
 * reservation of max_tokens is not usage, and one still open when the minute closes would otherwise
 * count in full — a request sent just before each minute boundary, with a large max_tokens and a
 * short answer, grew the limit as fast as traffic at the limit.
 */
function charge(st: LimiterState, cost: Cost): void {
  st.levels.requests -= cost.requests * SCALE;
  st.levels.tokensPrompt -= cost.tokensPrompt * SCALE;
  st.levels.tokensGenerated -= cost.tokensGenerated * SCALE;
  st.used.requests += cost.requests;
  st.used.tokensPrompt += cost.tokensPrompt;
}

/**
 * Milliseconds until `cost` fits above the floor −(h−1)·L in every bucket at the limit in force
 * (0: it fits now), or TOO_LARGE when it exceeds h·L somewhere and never fits at this limit.
 */
function msUntilAdmissible(policy: Policy, st: LimiterState, cost: Cost): number {
  const rpm = limitRpm(policy, st.sustainedMilli);
  const h = policy.hardMultiplier;
  const r = bucketWait(cost.requests, rpm, st.levels.requests, h);
  const p = bucketWait(cost.tokensPrompt, rpm * policy.tokensPromptPerRequest, st.levels.tokensPrompt, h);
  const g = bucketWait(cost.tokensGenerated, rpm * policy.tokensGeneratedPerReq, st.levels.tokensGenerated, h);
  return r < 0 || p < 0 || g < 0 ? TOO_LARGE : Math.max(r, p, g);
}

const TOO_LARGE = -1;

/** A bucket needs level ≥ (cost − (h−1)·L)·SCALE and gains L units per ms. */
function bucketWait(cost: number, perMinute: number, level: number, h: number): number {
  if (cost > h * perMinute) return TOO_LARGE;
  const needed = (cost - (h - 1) * perMinute) * SCALE - level;
  return needed > 0 ? Math.ceil(needed / perMinute) : 0;
}

function tooLarge(policy: Policy, st: LimiterState, cost: Cost): Decision {
  const limits = limitsAt(policy, st.sustainedMilli);
  const h = policy.hardMultiplier;
  const dimension = DIMENSIONS.find((d) => cost[d] > h * limits[d]) ?? "requests";
  return { outcome: "too_large", dimension, maxCost: h * limits[dimension] };
}

function rejection(policy: Policy, st: LimiterState, cost: Cost, waitMs: number): Decision {
  return { outcome: "reject", retryAfterSeconds: retryAfterSeconds(policy, st, cost, waitMs) };
}

const MAX_PROBES = 16;

/**
 * Whole seconds (≥ 1) after which the request is admitted if nothing else happens. Within the
 * current minute the limit is constant and the first estimate is exact (the smallest such second).
 * If the wait crosses a minute boundary the limit may change there (an idle minute decays it), so
 * the estimate is checked by advancing a copy of the state and extended until it holds.
 */
function retryAfterSeconds(policy: Policy, st: LimiterState, cost: Cost, firstWaitMs: number): number {
  let seconds = Math.ceil(firstWaitMs / 1000);
  for (let probe = 0; probe < MAX_PROBES; probe++) {
    const at = st.refilledAt + seconds * 1000;
    if (Math.floor(at / MS_PER_MINUTE) === st.minute) break;
    const waitMs = msUntilAdmissible(policy, advance(policy, st, at), cost);
    if (waitMs <= 0) break; // TOO_LARGE here: the limit decayed under the request; best effort
    seconds += Math.ceil(waitMs / 1000);
  }
  return Math.max(1, seconds);
}
