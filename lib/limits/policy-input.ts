// Input of the operator's policy API (PUT /api/operator/policies/{model}, POST …/preview), shared by
// the routes and the console's policy editor. Pure: safe to import in the browser.
import { z } from "zod";
import { policySchema } from "./policy";
import { parseTraffic, type Traffic } from "./traffic";

/** Longest preview: a day of minutes (the simulator steps minute by minute). */
export const PREVIEW_MAX_MINUTES = 1440;
/** Bound on simulated admissions per preview, so one request cannot keep a core busy for long. */
export const PREVIEW_MAX_REQUESTS = 5_000_000;

export const putPolicySchema = z.strictObject({ policy: policySchema });

export const trafficSchema = z.string().transform((spec, ctx): Traffic => {
  const parsed = parseTraffic(spec);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({
    code: "custom",
    message: "must be track | constant:<rpm> | ramp:<from>:<to> | spike:<rpm>@<minute>[:<base rpm>] (whole numbers)",
  });
  return z.NEVER;
});

export const policyPreviewSchema = z.strictObject({
  policy: policySchema,
  traffic: trafficSchema.prefault("track"),
  minutes: z
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(PREVIEW_MAX_MINUTES, `must be at most ${PREVIEW_MAX_MINUTES}`)
    .default(180),
  /** The model's utilisation of its capacity, in percent (above the policy's growth gate nothing grows). */
  modelLoadPct: z.number().min(0, "must be at least 0").max(1000, "must be at most 1000").default(0),
});
export type PolicyPreviewInput = z.infer<typeof policyPreviewSchema>;

/** Most requests the traffic can send in one minute under a policy (the limit never exceeds capRpm). */
export function peakRequestsPerMinute(traffic: Traffic, capRpm: number): number {
  switch (traffic.kind) {
    case "track":
      return capRpm;
    case "constant":
      return traffic.rpm;
    case "ramp":
      return Math.max(traffic.from, traffic.to);
    case "spike":
      return Math.max(traffic.rpm, traffic.baseRpm);
  }
}
