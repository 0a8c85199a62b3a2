// The limit simulator's engine (SPEC §6): what limits a traffic pattern sees over time under a
// policy. It threads one key's state through the same pure admit() the stores use — no store, no
// clock — so the CLI (scripts/simulate-limits.ts), an operator page and the tests share it.
import { admit } from "./admit";
import { advance, freshState } from "./advance";
import { costOf } from "./cost";
import { MS_PER_MINUTE } from "./policy-constants";
import { requestsInMinute, type Traffic } from "./traffic";
import { viewOf } from "./view";
import type { Policy } from "./policy";
import type { PerDimension } from "./types";

export interface SimulationInput {
  policy: Policy;
  traffic: Traffic;
  minutes: number;
  /** The model's utilisation of its capacity throughout (0..1+); above the growth gate nothing grows. */
  modelLoad?: number;
  /** Prompt tokens per request; default: the policy's ITPM/RPM ratio, so all dimensions fill together. */
  promptTokens?: number;
  /** max_tokens per request; default: the policy's OTPM/RPM ratio. */
  maxTokens?: number;
}

export interface SimulatedMinute {
  minute: number;
  /** Limits in force during the minute (growth only changes them at minute boundaries). */
  limits: PerDimension;
  /** Sustained minutes at the start of the minute (what set `limits`). */
  sustainedMinutes: number;
  sent: number;
  admittedInLimit: number;
  admittedOverLimit: number;
  /** 429s: significantly over the limit, or too large for it. */
  rejected: number;
}

/** Runs the simulation; each minute's requests are spread evenly across the minute. */
export function simulate(input: SimulationInput): SimulatedMinute[] {
  const { policy, traffic, minutes } = input;
  const cost = costOf(
    { n: 1, promptTokens: input.promptTokens ?? policy.tokensPromptPerRequest, maxTokens: input.maxTokens ?? policy.tokensGeneratedPerReq },
    policy,
  );
  let state = freshState(policy, 0);
  const rows: SimulatedMinute[] = [];
  for (let minute = 0; minute < minutes; minute++) {
    const start = minute * MS_PER_MINUTE;
    state = advance(policy, state, start);
    const view = viewOf(policy, state);
    const sent = requestsInMinute(traffic, minute, minutes, view.limits.requests);
    const row: SimulatedMinute = {
      minute,
      limits: view.limits,
      sustainedMinutes: view.sustainedMinutes,
      sent,
      admittedInLimit: 0,
      admittedOverLimit: 0,
      rejected: 0,
    };
    for (let i = 0; i < sent; i++) {
      const result = admit(policy, state, cost, start + Math.floor((i * MS_PER_MINUTE) / sent), input.modelLoad ?? 0);
      state = result.state;
      const outcome = result.admission.decision.outcome;
      if (outcome === "admit") row.admittedInLimit += 1;
      else if (outcome === "admit_over_limit") row.admittedOverLimit += 1;
      else row.rejected += 1;
    }
    rows.push(row);
  }
  return rows;
}
