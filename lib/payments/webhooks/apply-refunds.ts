// A charge's refunds applied to the credit purchase it paid for (charge.refunded, refund.updated,
// charge.refund.updated): the credits each refund paid back are taken back through refundCredits,
// once per Stripe refund id. Only refunds that succeeded count — a pending refund may still fail
// (the money then stays with us, and so do the credits); its refund.updated applies it when it
// succeeds. Refunds of invoice payments are left to operators.
import type Stripe from "stripe";
import { db } from "../../db";
import { refundCredits } from "../../billing/refund-credits";
import { log } from "../../log";
import { centsOf } from "../cents";
import { PURPOSE_METADATA_KEY } from "../checkout";
import { purchaseKeyOf } from "../payment-rows";
import { stripe } from "../stripe-client";
import { idOf, type WebhookOutcome } from "./types";

/** Every refund of the charge (Stripe no longer embeds them in the charge): read before the event's transaction. */
export async function refundsOf(chargeId: string): Promise<Stripe.Refund[]> {
  const refunds: Stripe.Refund[] = [];
  for await (const refund of stripe().refunds.list({ charge: chargeId, limit: 100 })) refunds.push(refund);
  return refunds;
}

export async function applyRefunds(charge: Stripe.Charge, refunds: Stripe.Refund[]): Promise<WebhookOutcome> {
  const paymentIntentId = idOf(charge.payment_intent);
  const payment = paymentIntentId
    ? await db().payment.findUnique({ where: { stripePaymentIntentId: paymentIntentId }, select: { id: true, accountId: true } })
    : null;
  const purchaseKey = payment ? purchaseKeyOf(payment.id) : null;
  if (!payment || !purchaseKey) {
    const purpose = charge.metadata?.[PURPOSE_METADATA_KEY];
    // A credit purchase whose completion we have not processed yet: let Stripe retry after it.
    if (purpose === "credits" || purpose === "auto_top_up") return { result: "retry", accountId: null, note: "purchase not recorded yet" };
    return { result: "ignored", accountId: null, note: "not a credit purchase" };
  }
  let applied = 0;
  let duplicates = 0;
  let refundedCents = 0;
  for (const refund of refunds) {
    if (refund.status !== "succeeded") continue;
    refundedCents += refund.amount;
    const result = await refundCredits({
      accountId: payment.accountId,
      purchaseKey,
      refundId: refund.id,
      amountMicros: centsOf(refund.amount),
    });
    if (result.ok) {
      if (result.refunded) applied++;
      else duplicates++;
    } else if (result.reason === "unknown_purchase") {
      return { result: "retry", accountId: payment.accountId, note: result.message };
    } else {
      log.error("refund could not be applied to credits", { refundId: refund.id, accountId: payment.accountId, message: result.message });
    }
  }
  // What succeeded only (a pending refund may fail); refunds only grow: a late event with a smaller
  // total never lowers what we recorded.
  const refundedMicros = centsOf(refundedCents);
  await db().$executeRaw`
    UPDATE "Payment" SET "refundedMicros" = GREATEST("refundedMicros", ${refundedMicros}),
      "status" = CASE WHEN GREATEST("refundedMicros", ${refundedMicros}) >= "amountMicros" THEN 'refunded'::"PaymentStatus" ELSE "status" END,
      "updatedAt" = now()
    WHERE "id" = ${payment.id}`;
  return {
    result: applied > 0 ? "applied" : duplicates > 0 ? "duplicate" : "ignored",
    accountId: payment.accountId,
    note: `${applied} refund(s) applied, ${duplicates} already applied`,
  };
}
