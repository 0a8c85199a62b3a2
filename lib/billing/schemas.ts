// Billing input at the HTTP edge, shared by the routes, the console forms and the CLI.
import { z } from "zod";
import { usdCentsInput } from "../quotas/schemas";
import { TIER_LADDER } from "./tiers";

const USD_WHOLE = 'a whole number of US dollars, e.g. "20"';

/** Whole dollars as a decimal string or number ("20", "20.00", 20). */
export const usdWholeDollarsInput = z
  // Missing, null or not a string/number: say so and what is expected (zod's own is "Invalid input").
  .union([z.string(), z.number()], { error: (issue) => `${issue.input === undefined ? "required," : "must be"} ${USD_WHOLE}` })
  .transform((v) => (typeof v === "number" ? String(v) : v.trim()))
  .refine((v) => /^\d{1,9}(\.0{1,2})?$/.test(v), { message: `must be ${USD_WHOLE}` });

export const autoTopUpSchema = z.strictObject({
  enabled: z.boolean(),
  thresholdUsd: usdCentsInput,
  amountUsd: usdWholeDollarsInput,
  monthlyMaxUsd: usdCentsInput,
});
export type AutoTopUpInput = z.infer<typeof autoTopUpSchema>;

export const setTierSchema = z.strictObject({
  tier: z.enum(TIER_LADDER.map((r) => r.tier) as [string, ...string[]]),
  note: z.string().trim().max(500).optional(),
});

export const suspendSchema = z.strictObject({ reason: z.string().trim().min(1, "must not be empty").max(500) });
export const unsuspendSchema = z.strictObject({ note: z.string().trim().max(500).default("") });

export const runJobSchema = z.strictObject({
  at: z.iso.datetime({ offset: true }).optional(),
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, "YYYY-MM"')
    .optional(),
  accountId: z.string().min(1).max(100).optional(),
  repair: z.boolean().optional(),
});
export type RunJobInput = z.infer<typeof runJobSchema>;
