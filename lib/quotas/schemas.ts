// Quota edit input, shared by the route, the console form and the CLI.
import { z } from "zod";

/** A USD amount as the API takes it: a decimal string or number with at most two decimals. */
export const usdCentsInput = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === "number" ? String(v) : v.trim()))
  .refine((v) => /^\d{1,12}(\.\d{1,2})?$/.test(v), {
    message: 'must be a non-negative amount in USD with at most two decimals, e.g. "200" or "49.99"',
  });

export const updateSpendLimitSchema = z.object({ value: usdCentsInput });
