// Refund (part of) a credit purchase through Stripe, for operators and support tools. The credits
// do not change here: the `charge.refunded` webhook takes them back through refundCredits, exactly
// once per Stripe refund, whoever started the refund (this, the Stripe Dashboard, a dispute tool).
// Who asked, how much and why is audited once Stripe has accepted the refund.
import Stripe from "stripe";
import { db } from "../db";
import { usdString } from "../money";
import { exactCents } from "./cents";
import { paymentRowId } from "./payment-rows";
import { stripe } from "./stripe-client";

export type RefundPurchaseResult =
  | { ok: true; refundId: string; amountMicros: bigint; status: string | null }
  | { ok: false; reason: "not_found" | "invalid_amount" | "fully_refunded" | "refused_by_stripe"; message: string };

/** `purchaseKey`: the Checkout Session id (cs_…) or the auto top-up key the credits were granted with. */
export async function refundCreditPurchase(input: {
  accountId: string;
  purchaseKey: string;
  /** Whole cents; absent = all that is left to refund. */
  amountMicros?: bigint;
  /** The operator (audit log). */
  actorId?: string | null;
  reason?: string;
  /**
   * The caller's key for this one request (an Idempotency-Key header): repeating it repeats nothing.
   * Without it, a repeat is recognised only until the first refund's webhook has been recorded.
   */
  requestKey?: string;
}): Promise<RefundPurchaseResult> {
  const payment = await db().payment.findFirst({
    where: { id: paymentRowId(input.purchaseKey), accountId: input.accountId, status: { in: ["succeeded", "refunded"] } },
    select: { stripePaymentIntentId: true, amountMicros: true, refundedMicros: true },
  });
  if (!payment?.stripePaymentIntentId)
    return { ok: false, reason: "not_found", message: "No paid credit purchase with this id on this account." };
  // What our webhooks recorded so far; Stripe refuses anything beyond what it still holds.
  const left = payment.amountMicros - payment.refundedMicros;
  if (left <= 0n) return { ok: false, reason: "fully_refunded", message: "This purchase has already been refunded in full." };
  const amount = input.amountMicros ?? left;
  if (amount <= 0n || amount > left || amount % 10_000n !== 0n) {
    return {
      ok: false,
      reason: "invalid_amount",
      message: `amountUsd: must be whole cents, more than 0 and at most the $${usdString(left)} left to refund`,
    };
  }
  let refund: Stripe.Refund;
  try {
    refund = await stripe().refunds.create(
      {
        payment_intent: payment.stripePaymentIntentId,
        amount: exactCents(amount),
        metadata: { headroom_purchase_key: input.purchaseKey },
      },
      // A repeated request (double click, retry) is the same refund, not a second one.
      {
        idempotencyKey: input.requestKey
          ? `headroom-refund-${input.accountId}-${input.requestKey}`
          : `headroom-refund-${input.purchaseKey}-${payment.refundedMicros}-${amount}`,
      },
    );
  } catch (err) {
    // E.g. refunded in the Dashboard meanwhile (our record has not heard yet): Stripe's reason, as is.
    if (err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeIdempotencyError) {
      return { ok: false, reason: "refused_by_stripe", message: err.message };
    }
    throw err;
  }
  // Once per refund: a repeated request got the same refund back from Stripe.
  const audited = await db().auditLog.findFirst({
    where: { accountId: input.accountId, action: "refund.requested", detail: { path: ["refundId"], equals: refund.id } },
    select: { id: true },
  });
  if (!audited) {
    await db().auditLog.create({
      data: {
        accountId: input.accountId,
        actorId: input.actorId ?? null,
        action: "refund.requested",
        detail: { purchaseId: input.purchaseKey, refundId: refund.id, amountUsd: usdString(amount), reason: input.reason ?? null },
      },
    });
  }
  return { ok: true, refundId: refund.id, amountMicros: amount, status: refund.status };
}
