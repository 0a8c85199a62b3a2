// Integers derived from a policy, computed once per policy object. The Redis script receives them
// as arguments, so JS and Lua never compute a float (e.g. 2^(−1/H)) independently and cannot drift.
import type { Policy } from "./policy";

export const MS_PER_MINUTE = 60_000;
/** Sustained minutes are kept in thousandths so that decay stays integer arithmetic. */
export const MILLI = 1000;
/** Decay factor denominator (parts per million). */
export const PPM = 1_000_000;

export interface PolicyConstants {
  /** Per idle minute: sustainedMilli ← floor(sustainedMilli × decayPpm / 1e6). 2^(−1/H) in ppm. */
  decayPpm: number;
  /** Growth stops counting once the limit reaches the cap, so decay is visible at once afterwards. */
  maxSustainedMilli: number;
  /**
   * Idle time after which a key's state is indistinguishable from a fresh one (growth decayed to 0,
   * buckets full), so stores may forget it without changing any decision. Two exceptions, both
   * documented in README.md: a policy that never decays, and debt beyond the floor from settlement.
   */
  idleTtlMs: number;
}

const cache = new WeakMap<object, PolicyConstants>();

export function policyConstants(policy: Policy): PolicyConstants {
  let constants = cache.get(policy);
  if (!constants) {
    constants = derive(policy);
    cache.set(policy, constants);
  }
  return constants;
}

function derive(policy: Policy): PolicyConstants {
  const decayPpm = Math.round(PPM * 2 ** (-1 / policy.decayHalfLifeMinutes));
  const maxSustainedMilli = policy.growthRpmPerMinute > 0 ? Math.ceil(policy.capRpm / policy.growthRpmPerMinute) * MILLI : 0;
  return { decayPpm, maxSustainedMilli, idleTtlMs: idleTtlMinutes(policy, decayPpm, maxSustainedMilli) * MS_PER_MINUTE };
}

/** Without decay (idle threshold 0) growth is never forgotten by the policy; stores forget it after this. */
const NO_DECAY_TTL_MINUTES = 30 * 24 * 60;

function idleTtlMinutes(policy: Policy, decayPpm: number, maxSustainedMilli: number): number {
  if (policy.idleThresholdPct === 0) return NO_DECAY_TTL_MINUTES;
  // floor() makes each idle minute shrink sustained minutes by at least decayPpm/1e6, so after this
  // many idle minutes they are < 1 (thousandth) and floor to 0: the limit is back to base.
  const minutesToBase = Math.ceil(Math.log(maxSustainedMilli + 1) / -Math.log(decayPpm / PPM)) + 1;
  // Then the deepest bucket (h limits below full, at most h·cap) refills at no less than base per minute.
  const minutesToFull = Math.ceil((policy.hardMultiplier * policy.capRpm) / policy.baseRpm) + 1;
  return minutesToBase + minutesToFull;
}
