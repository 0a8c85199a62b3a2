// Payments input at the HTTP edge, shared by the routes, the console's billing page and the CLI.
import { z } from "zod";
import { usdWholeDollarsInput } from "../billing/schemas";
import { parseUsd } from "../money";

export const CREDIT_PURCHASE_MIN_USD = 5;
export const CREDIT_PURCHASE_MAX_USD = 50_000;

/** POST /api/v1/credits/checkout: `{amountUsd}` whole dollars, $5…$50,000 (SPEC §4, §13). */
export const creditCheckoutSchema = z.object({
  amountUsd: usdWholeDollarsInput
    .transform((v) => parseUsd(v))
    .refine((m) => m >= parseUsd(String(CREDIT_PURCHASE_MIN_USD)) && m <= parseUsd(String(CREDIT_PURCHASE_MAX_USD)), {
      message: `must be from ${CREDIT_PURCHASE_MIN_USD} to ${CREDIT_PURCHASE_MAX_USD} (whole US dollars)`,
    }),
});
export type CreditCheckoutInput = z.infer<typeof creditCheckoutSchema>;
