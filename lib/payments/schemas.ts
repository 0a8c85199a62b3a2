// Payments input at the HTTP edge, shared by the routes, the console's billing page and the CLI.
import { z } from "zod";
import { usdWholeDollarsInput } from "../billing/schemas";
import { parseUsd } from "../money";
import { usdCentsInput } from "../quotas/schemas";

export const CREDIT_PURCHASE_MIN_USD = 5;
export const CREDIT_PURCHASE_MAX_USD = 50_000;

/** POST /api/v1/credits/checkout: `{amountUsd}` whole dollars, $5…$50,000 (SPEC §4, §13). */
export const creditCheckoutSchema = z.strictObject({
  amountUsd: usdWholeDollarsInput
    .transform((v) => parseUsd(v))
    .refine((m) => m >= parseUsd(String(CREDIT_PURCHASE_MIN_USD)) && m <= parseUsd(String(CREDIT_PURCHASE_MAX_USD)), {
      message: `must be from ${CREDIT_PURCHASE_MIN_USD} to ${CREDIT_PURCHASE_MAX_USD} (whole US dollars)`,
    }),
});
export type CreditCheckoutInput = z.infer<typeof creditCheckoutSchema>;

/**
 * POST /api/operator/accounts/{id}/refunds: which credit purchase (its id from
 * GET /api/operator/accounts/{id}/purchases), how much (whole cents; absent = all that is left) and
 * why (kept in the audit log).
 */
export const refundPurchaseSchema = z.strictObject({
  purchaseId: z.string().trim().min(1, "must not be empty").max(200),
  amountUsd: usdCentsInput
    .transform((v) => parseUsd(v))
    .refine((m) => m > 0n, { message: "must be more than 0" })
    .optional(),
  reason: z.string().trim().min(1, "must say why (it is kept in the audit log)").max(500),
});
export type RefundPurchaseInput = z.infer<typeof refundPurchaseSchema>;

/** An optional `Idempotency-Key` header: the client's name for one request, like Stripe's. */
export const idempotencyKeyHeader = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
  .nullable();
