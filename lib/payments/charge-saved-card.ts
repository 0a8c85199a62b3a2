// Auto top-up's charge (SPEC §4): an off-session PaymentIntent on the account's default card, with
// the attempt's key as Stripe's Idempotency-Key — a retried attempt (same key) never charges twice.
// runAutoTopUp grants the credits when this says the charge succeeded; `payment_intent.succeeded`
// grants them too (same key, so once) if we never heard Stripe's answer.
import Stripe from "stripe";
import { db } from "../db";
import { errorSummary, log } from "../log";
import type { ChargeFn, ChargeResult } from "../billing/run-auto-top-up";
import { usdString } from "../money";
import { exactCents } from "./cents";
import { AMOUNT_METADATA_KEY, PURPOSE_METADATA_KEY } from "./checkout";
import { ACCOUNT_METADATA_KEY } from "./customers";
import { stripe } from "./stripe-client";

export const PURCHASE_KEY_METADATA_KEY = "headroom_purchase_key";

export const chargeSavedCard: ChargeFn = async (accountId, amountMicros, idempotencyKey): Promise<ChargeResult> => {
  const account = await db().account.findUnique({
    where: { id: accountId },
    select: {
      stripeCustomerId: true,
      paymentMethods: {
        where: { detachedAt: null },
        orderBy: [{ isDefault: "desc" }, { createdAt: "desc" }],
        take: 1,
        select: { stripePaymentMethodId: true },
      },
    },
  });
  const card = account?.paymentMethods[0];
  if (!account?.stripeCustomerId || !card) return { ok: false, message: "no saved card to charge" };
  const metadata = {
    [ACCOUNT_METADATA_KEY]: accountId,
    [PURPOSE_METADATA_KEY]: "auto_top_up",
    [PURCHASE_KEY_METADATA_KEY]: idempotencyKey,
    [AMOUNT_METADATA_KEY]: amountMicros.toString(),
  };
  try {
    const pi = await stripe().paymentIntents.create(
      {
        amount: exactCents(amountMicros),
        currency: "usd",
        customer: account.stripeCustomerId,
        payment_method: card.stripePaymentMethodId,
        off_session: true,
        confirm: true,
        description: `Headroom auto top-up ($${usdString(amountMicros)})`,
        metadata,
      },
      { idempotencyKey },
    );
    if (pi.status === "succeeded") return { ok: true, reference: pi.id };
    return { ok: false, message: `the payment is ${pi.status.replaceAll("_", " ")}` };
  } catch (err) {
    if (err instanceof Stripe.errors.StripeCardError) return { ok: false, message: err.message };
    if (outcomeUnknown(err)) throw err; // runAutoTopUp keeps the attempt open and retries it under its key
    // Refused outright (a detached card, a deleted customer, our own keys or permissions): nothing was
    // charged and a retry would be refused the same way. A failure the owner hears about.
    log.error("auto top-up charge refused by the payment service", { accountId, key: idempotencyKey, error: errorSummary(err) });
    return { ok: false, message: "the payment service refused the charge; check your saved card on the Billing page" };
  }
};

/** The request may have reached Stripe and been carried out: no answer, a server error, or the key busy. */
function outcomeUnknown(err: unknown): boolean {
  return (
    !(err instanceof Stripe.errors.StripeError) ||
    err instanceof Stripe.errors.StripeConnectionError ||
    err instanceof Stripe.errors.StripeAPIError ||
    err instanceof Stripe.errors.StripeRateLimitError ||
    err instanceof Stripe.errors.StripeIdempotencyError ||
    (err.statusCode ?? 500) >= 500
  );
}
