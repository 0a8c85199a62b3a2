// Drives the pure core through a generated op sequence, recording every decision and state.
import {
  SCALE,
  admit,
  freshState,
  limitsAt,
  settle,
  type Admission,
  type LimiterState,
  type PerDimension,
  type Policy,
} from "@/lib/limits";
import type { Op } from "./arbitraries";

export interface Step {
  now: number;
  op: Op;
  before: LimiterState;
  after: LimiterState;
  admissions: Admission[];
}

export function runPure(policy: Policy, start: number, ops: Op[], visit?: (step: Step) => void): LimiterState {
  let state = freshState(policy, start);
  let now = start;
  for (const op of ops) {
    now += op.step;
    const before = state;
    const admissions: Admission[] = [];
    if (op.kind === "settle") {
      state = settle(policy, state, op.reserved, op.actual, now);
    } else {
      for (let i = 0; i < (op.kind === "burst" ? op.count : 1); i++) {
        const result = admit(policy, state, op.cost, now, op.load);
        admissions.push(result.admission);
        state = result.state;
      }
    }
    visit?.({ now, op, before, after: state, admissions });
  }
  return state;
}

/** Bucket capacities (scaled) at the limit in force in `state`. */
export function capacityOf(policy: Policy, state: LimiterState): PerDimension {
  const limits = limitsAt(policy, state.sustainedMilli);
  return { requests: limits.requests * SCALE, tokensPrompt: limits.tokensPrompt * SCALE, tokensGenerated: limits.tokensGenerated * SCALE };
}
