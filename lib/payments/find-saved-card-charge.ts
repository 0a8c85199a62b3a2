// Auto top-up's look-up of an unconfirmed charge (SPEC §4): the PaymentIntent that chargeSavedCard
// created under an attempt's key, found among the customer's PaymentIntents since the attempt was
// first tried (Stripe's list is strongly consistent, unlike its search). runAutoTopUp asks before
// any new attempt, so a charge that went through while its answer was lost is granted, not repeated.
import { db } from "../db";
import type { FindChargeFn, FoundCharge, TopUpPayments } from "../billing/run-auto-top-up";
import { centsOf } from "./cents";
import { chargeSavedCard, PURCHASE_KEY_METADATA_KEY } from "./charge-saved-card";
import { stripe } from "./stripe-client";

/** Clock skew between us and the payment service, allowed for in the `created` filter. */
const SKEW_S = 300;

export const findSavedCardCharge: FindChargeFn = async (accountId, idempotencyKey, since): Promise<FoundCharge> => {
  const account = await db().account.findUnique({ where: { id: accountId }, select: { stripeCustomerId: true } });
  if (!account?.stripeCustomerId) return { status: "not_charged" };
  const intents = stripe().paymentIntents.list({
    customer: account.stripeCustomerId,
    created: { gte: Math.floor(since.getTime() / 1000) - SKEW_S },
    limit: 100,
  });
  for await (const pi of intents) {
    if (pi.metadata?.[PURCHASE_KEY_METADATA_KEY] !== idempotencyKey) continue;
    if (pi.status === "succeeded") {
      return { status: "succeeded", amountMicros: centsOf(pi.amount_received || pi.amount), reference: pi.id };
    }
    // Off-session and confirmed at once, anything else is final and took no money (declined,
    // canceled, or waiting for an authentication the owner was never asked for).
    return pi.status === "processing" || pi.status === "requires_capture" ? { status: "pending" } : { status: "not_charged" };
  }
  return { status: "not_charged" };
};

/** Auto top-up through Stripe: the saved card's charge and its look-up. */
export const savedCardPayments: TopUpPayments = { charge: chargeSavedCard, findCharge: findSavedCardCharge };
