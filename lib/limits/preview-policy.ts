// POST /api/operator/policies/preview's verb: the growth curve a traffic pattern would see under a
// policy, from the same pure simulator as `npm run simulate:limits` (no store, no clock).
import { PREVIEW_MAX_REQUESTS, peakRequestsPerMinute, type PolicyPreviewInput } from "./policy-input";
import { simulate, type SimulatedMinute } from "./simulate";

export type PreviewResult =
  { ok: true; minutes: SimulatedMinute[]; summary: PreviewSummary } | { ok: false; reason: "too_large"; message: string; param: string };

export interface PreviewSummary {
  startRpm: number;
  endRpm: number;
  /** First minute at which the limit reached the cap, or null. */
  capReachedAtMinute: number | null;
  rejected: number;
  admittedOverLimit: number;
}

export function previewPolicy(input: PolicyPreviewInput): PreviewResult {
  const worst = peakRequestsPerMinute(input.traffic, input.policy.capRpm) * input.minutes;
  if (worst > PREVIEW_MAX_REQUESTS) {
    return {
      ok: false,
      reason: "too_large",
      message: `minutes: up to ${worst.toLocaleString("en-US")} simulated requests; at most ${PREVIEW_MAX_REQUESTS.toLocaleString("en-US")} — preview fewer minutes or less traffic`,
      param: "minutes",
    };
  }
  const minutes = simulate({ policy: input.policy, traffic: input.traffic, minutes: input.minutes, modelLoad: input.modelLoadPct / 100 });
  const first = minutes[0];
  const last = minutes[minutes.length - 1];
  const capped = minutes.find((m) => m.limits.requests >= input.policy.capRpm);
  return {
    ok: true,
    minutes,
    summary: {
      startRpm: first?.limits.requests ?? input.policy.baseRpm,
      endRpm: last?.limits.requests ?? input.policy.baseRpm,
      capReachedAtMinute: capped?.minute ?? null,
      rejected: minutes.reduce((s, m) => s + m.rejected, 0),
      admittedOverLimit: minutes.reduce((s, m) => s + m.admittedOverLimit, 0),
    },
  };
}
