// Quota input (spend limit, quota requests, operator edits), shared by the routes, the console forms and the CLI.
import { z } from "zod";
import { COUNT_QUOTA_NAMES, MAX_QUOTA_VALUE, type CountQuotaName } from "./definitions";

const USD_CENTS = 'a non-negative amount in USD with at most two decimals, e.g. "200" or "49.99"';

/** A USD amount as the API takes it: a decimal string or number with at most two decimals. */
export const usdCentsInput = z
  // Missing, null or not a string/number: say so and what is expected (zod's own is "Invalid input").
  .union([z.string(), z.number()], { error: (issue) => `${issue.input === undefined ? "required," : "must be"} ${USD_CENTS}` })
  .transform((v) => (typeof v === "number" ? String(v) : v.trim()))
  .refine((v) => /^\d{1,12}(\.\d{1,2})?$/.test(v), { message: `must be ${USD_CENTS}` });

export const updateSpendLimitSchema = z.strictObject({ value: usdCentsInput });

/** A count quota's name as the API takes it; monthly-spend-usd is explained, not just refused. */
const countQuotaNameSchema = z.string().superRefine((name, ctx) => {
  if (COUNT_QUOTA_NAMES.includes(name as CountQuotaName)) return;
  ctx.addIssue({
    code: "custom",
    message:
      name === "monthly-spend-usd"
        ? "monthly-spend-usd is not raised by request: set it within your tier with PATCH /api/v1/quotas/monthly-spend-usd, or move up a tier"
        : `must be one of ${COUNT_QUOTA_NAMES.join(", ")}`,
  });
});

const quotaValueSchema = z
  .number("must be a whole number")
  .int("must be a whole number")
  .min(0, "must be at least 0")
  .max(MAX_QUOTA_VALUE, `must be at most ${MAX_QUOTA_VALUE}`);

export const createQuotaRequestSchema = z.strictObject({
  quota: countQuotaNameSchema.transform((v) => v as CountQuotaName),
  value: quotaValueSchema,
  reason: z.string().trim().min(1, "must say why the increase is needed").max(2000, "must be at most 2000 characters"),
});
export type CreateQuotaRequestInput = z.infer<typeof createQuotaRequestSchema>;

export const setQuotaValueSchema = z.strictObject({ value: quotaValueSchema });

export const approveQuotaRequestSchema = z.strictObject({
  note: z.string().trim().max(2000, "must be at most 2000 characters").optional(),
});

export const denyQuotaRequestSchema = z.strictObject({
  reason: z.string().trim().min(1, "must say why the request is denied").max(2000, "must be at most 2000 characters"),
});

export const QUOTA_REQUEST_STATUSES = ["pending", "approved", "denied"] as const;
export const quotaRequestStatusSchema = z.enum(QUOTA_REQUEST_STATUSES, `must be one of ${QUOTA_REQUEST_STATUSES.join(", ")}`);
