// POST /api/operator/accounts/{id}/refunds — refund (part of) a credit purchase to the card, audited.
// {purchaseId, amountUsd?, reason} (+ optional Idempotency-Key header: a repeat with the same key is
// the same refund) → 201 {refundId, purchaseId, amountUsd, status}: the refund exists
// in Stripe; the unspent credits are taken back when Stripe's `charge.refunded` arrives (seconds).
// 400 bad input or amount (names the field) · 404 no paid purchase with that id on this account ·
// 409 refunded in full already, or Stripe refused (its message) · 503 Stripe did not answer.
import { AppError, badRequest } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { usdString } from "@/lib/money";
import { withStripeErrors } from "@/lib/payments/errors";
import { refundCreditPurchase } from "@/lib/payments/refund-purchase";
import { idempotencyKeyHeader, refundPurchaseSchema } from "@/lib/payments/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withOperator(async ({ req, params, caller }) => {
  const key = idempotencyKeyHeader.safeParse(req.headers.get("idempotency-key"));
  if (!key.success) throw badRequest(`Idempotency-Key: ${key.error.issues[0]?.message ?? "invalid"}`, "Idempotency-Key");
  const { purchaseId, amountUsd, reason } = await readJson(req, refundPurchaseSchema);
  const result = await withStripeErrors(() =>
    refundCreditPurchase({
      accountId: params.id ?? "",
      purchaseKey: purchaseId,
      amountMicros: amountUsd,
      actorId: caller.userId,
      reason,
      requestKey: key.data ?? undefined,
    }),
  );
  if (!result.ok) {
    if (result.reason === "not_found") throw new AppError("not_found", result.message, { param: "purchaseId" });
    if (result.reason === "invalid_amount") throw badRequest(result.message, "amountUsd");
    throw new AppError("conflict", result.message);
  }
  return json({ refundId: result.refundId, purchaseId, amountUsd: usdString(result.amountMicros), status: result.status }, 201);
});

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };
