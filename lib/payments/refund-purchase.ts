// Refund (part of) a credit purchase through Stripe, for operators and support tools. Nothing
// changes here: the `charge.refunded` webhook takes the credits back through refundCredits, exactly
// once per Stripe refund, whoever started the refund (this, the Stripe Dashboard, a dispute tool).
import { db } from "../db";
import { exactCents } from "./cents";
import { paymentRowId } from "./payment-rows";
import { stripe } from "./stripe-client";

export type RefundPurchaseResult =
  { ok: true; refundId: string; status: string | null } | { ok: false; reason: "not_found" | "invalid_amount"; message: string };

/** `purchaseKey`: the Checkout Session id (cs_…) or the auto top-up key the credits were granted with. */
export async function refundCreditPurchase(input: {
  accountId: string;
  purchaseKey: string;
  amountMicros?: bigint;
}): Promise<RefundPurchaseResult> {
  const payment = await db().payment.findFirst({
    where: { id: paymentRowId(input.purchaseKey), accountId: input.accountId, status: { in: ["succeeded", "refunded"] } },
    select: { stripePaymentIntentId: true, amountMicros: true, refundedMicros: true },
  });
  if (!payment?.stripePaymentIntentId)
    return { ok: false, reason: "not_found", message: "No paid credit purchase with this id on this account." };
  const amount = input.amountMicros ?? payment.amountMicros - payment.refundedMicros;
  if (amount <= 0n || amount > payment.amountMicros - payment.refundedMicros || amount % 10_000n !== 0n) {
    return {
      ok: false,
      reason: "invalid_amount",
      message: "amountUsd: must be whole cents, more than 0 and at most what is left to refund",
    };
  }
  const refund = await stripe().refunds.create(
    { payment_intent: payment.stripePaymentIntentId, amount: exactCents(amount), metadata: { headroom_purchase_key: input.purchaseKey } },
    { idempotencyKey: `headroom-refund-${input.purchaseKey}-${payment.refundedMicros}-${amount}` },
  );
  return { ok: true, refundId: refund.id, status: refund.status };
}
