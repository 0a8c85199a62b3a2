// The dynamic limits in force in each minute of a usage chart (pure; SPEC §6). A usage record carries
// the limits its request was admitted under, so minutes with traffic know theirs; a minute without
// traffic has no record, yet its limit is known too: growth changes only at minute boundaries, by the
// policy's rule, from the usage of the minute that closes. So the limit line is replayed from the
// records: the growth state is carried minute by minute with the limiter's own closeMinute (an idle
// minute decays the grown part — halving it per idle hour by default — down to base), and pinned to
// what each recorded minute says.
//
// The growth state is sustained minutes (in thousandths); a recorded RPM says which range it was in
// (RPM = min(cap, max(base, ⌊growth × sustained⌋))), so at a recorded minute the carried state is
// clamped into that range. From a fresh key (no record before) the replay matches the limiter exactly;
// from a record whose history is not replayed it can be off by less than one growth step, until the
// next recorded minute. What it cannot see: minutes a capacity gate kept from growing (the limiter
// does not record them) — the next recorded minute corrects the line.
import { closeMinute, emptyMinuteIsNoop } from "../limits/growth";
import { limitsAt } from "../limits/limits-at";
import { MILLI, policyConstants } from "../limits/policy-constants";
import type { Policy } from "../limits/policy";
import type { LimiterState, PerDimension } from "../limits/types";

export interface MinuteActivity {
  /** Epoch minute (⌊ms / 60000⌋). */
  minute: number;
  /** Admitted usage in the minute: requests (completions) and tokens, as the limiter counts them. */
  used: PerDimension;
  /** The limits its usage records were admitted under (the highest), or null when not recorded. */
  recorded: PerDimension | null;
}

const ZERO: PerDimension = { requests: 0, tokensPrompt: 0, tokensGenerated: 0 };

/**
 * The limits in force in each minute of [from, to), given the minutes with traffic (any order; those
 * before `from` seed the replay — the last one is enough). Without any, the key is fresh: base.
 */
export function limitsInForce(policy: Policy, activity: readonly MinuteActivity[], from: number, to: number): PerDimension[] {
  const byMinute = new Map(activity.map((a) => [a.minute, a]));
  const starts = [...byMinute.keys()].sort((a, b) => a - b);
  const state: LimiterState = {
    minute: Math.min(from, starts[0] ?? from),
    refilledAt: 0,
    sustainedMilli: 0,
    levels: { ...ZERO },
    used: { ...ZERO },
    growthBlocked: false,
  };
  const out: PerDimension[] = [];
  let next = 0; // index in `starts` of the next minute with traffic
  while (state.minute < to) {
    const m = state.minute;
    const active = byMinute.get(m);
    if (active) next += 1;
    if (active?.recorded) state.sustainedMilli = clampToRecorded(policy, state.sustainedMilli, active.recorded.requests);
    if (m >= from) out.push(active?.recorded ?? limitsAt(policy, state.sustainedMilli));
    state.used = active ? { ...active.used } : { ...ZERO };
    closeMinute(policy, state);
    // Idle minutes before the range that change nothing (decayed to base, or no decay): skip them.
    if (state.minute < from && !byMinute.has(state.minute) && emptyMinuteIsNoop(policy, state.sustainedMilli)) {
      state.minute = Math.min(from, starts[next] ?? from);
    }
  }
  return out;
}

/** The sustained minutes (thousandths) nearest `sustained` under which the policy gives `rpm`. */
export function clampToRecorded(policy: Policy, sustained: number, rpm: number): number {
  const [lo, hi] = sustainedRange(policy, rpm);
  return Math.min(hi, Math.max(lo, sustained));
}

/** The range of sustained minutes (thousandths, inclusive) whose limit is `rpm` under the policy. */
export function sustainedRange(policy: Policy, rpm: number): [number, number] {
  const max = policyConstants(policy).maxSustainedMilli;
  const growth = policy.growthRpmPerMinute;
  if (growth === 0 || policy.capRpm <= policy.baseRpm) return [0, max];
  // The least sustained (thousandths) whose ⌊growth × sustained⌋ reaches `limit`.
  const reaching = (limit: number) => Math.ceil((limit * MILLI) / growth);
  let [lo, hi] =
    rpm <= policy.baseRpm
      ? [0, reaching(policy.baseRpm + 1) - 1]
      : rpm >= policy.capRpm
        ? [reaching(policy.capRpm), max]
        : [reaching(rpm), reaching(rpm + 1) - 1];
  hi = Math.min(hi, max);
  lo = Math.min(lo, hi);
  return [lo, hi];
}
