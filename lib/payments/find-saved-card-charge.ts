// Auto top-up's look-up of an unconfirmed charge (SPEC §4): the PaymentIntent(s) that
// chargeSavedCard created under an attempt's key, among the customer's PaymentIntents since the
// attempt was first tried (Stripe's list is strongly consistent, unlike its search). runAutoTopUp
// asks before any new attempt, so a charge that went through while its answer was lost is granted,
// not repeated. The answer is made final: an intent that could still complete is cancelled first,
// and one that succeeded is recorded as a payment (as its webhook would have), so it can be refunded.
import Stripe from "stripe";
import { db } from "../db";
import type { FindChargeFn, FoundCharge } from "../billing/run-auto-top-up";
import { centsOf } from "./cents";
import { PURCHASE_KEY_METADATA_KEY } from "./charge-saved-card";
import { upsertPurchasePayment } from "./payment-rows";
import { stripe } from "./stripe-client";

/** Clock skew between us and the payment service, allowed for in the `created` filter. */
const SKEW_S = 300;
/** Still being carried out: the outcome is not known yet. */
const IN_PROGRESS = new Set<Stripe.PaymentIntent.Status>(["processing", "requires_capture"]);
/** Open, and able to complete later (e.g. if confirmed again): cancelled before "not charged" is answered. */
const OPEN = new Set<Stripe.PaymentIntent.Status>(["requires_action", "requires_confirmation", "requires_payment_method"]);

export const findSavedCardCharge: FindChargeFn = async (accountId, idempotencyKey, since): Promise<FoundCharge> => {
  const account = await db().account.findUnique({ where: { id: accountId }, select: { stripeCustomerId: true } });
  if (!account?.stripeCustomerId) return { status: "not_charged" };
  const matches: Stripe.PaymentIntent[] = [];
  try {
    const intents = stripe().paymentIntents.list({
      customer: account.stripeCustomerId,
      created: { gte: Math.floor(since.getTime() / 1000) - SKEW_S },
      limit: 100,
    });
    for await (const pi of intents) if (pi.metadata?.[PURCHASE_KEY_METADATA_KEY] === idempotencyKey) matches.push(pi);
  } catch (err) {
    if (err instanceof Stripe.errors.StripePermissionError || err instanceof Stripe.errors.StripeAuthenticationError) {
      throw new Error(`the Stripe key may not list PaymentIntents (a restricted key needs PaymentIntents: write): ${err.message}`);
    }
    throw err;
  }
  const paid = matches.find((pi) => pi.status === "succeeded");
  if (paid) {
    const amountMicros = centsOf(paid.amount_received || paid.amount);
    await upsertPurchasePayment(db(), {
      purchaseKey: idempotencyKey,
      accountId,
      purpose: "auto_top_up",
      status: "succeeded",
      amountMicros,
      paymentIntentId: paid.id,
    });
    return { status: "succeeded", amountMicros, reference: paid.id };
  }
  if (matches.some((pi) => IN_PROGRESS.has(pi.status))) return { status: "pending" };
  // A cancel that fails (the intent completed meanwhile) throws: the look-up is tried again later.
  for (const pi of matches) if (OPEN.has(pi.status)) await stripe().paymentIntents.cancel(pi.id);
  return { status: "not_charged" };
};
