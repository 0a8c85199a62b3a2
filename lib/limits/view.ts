// The read-only view of a key: what GET /api/v1/rate-limits and the x-ratelimit-* headers show.
import { advance } from "./advance";
import { anyBelowZero, remainingOf } from "./bucket";
import { limitsAt } from "./limits-at";
import { MILLI } from "./policy-constants";
import type { Policy } from "./policy";
import type { LimiterState, LimitView } from "./types";

/** The view of `state` as it stands (already advanced to the time of interest). */
export function viewOf(policy: Policy, st: LimiterState): LimitView {
  return {
    limits: limitsAt(policy, st.sustainedMilli),
    remaining: remainingOf(st.levels),
    overLimit: anyBelowZero(st.levels),
    sustainedMinutes: st.sustainedMilli / MILLI,
  };
}

/** The view at `now`, without changing anything. */
export function viewAt(policy: Policy, state: LimiterState, now: number): LimitView {
  return viewOf(policy, advance(policy, state, now));
}
