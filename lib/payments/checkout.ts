// Stripe Checkout (SPEC §4, §11): "payment" mode to buy credits, "setup" mode to save a card.
// Nothing is granted here — the credits and the card arrive with the signed webhook
// (checkout.session.completed), which is the only proof that Stripe took the money or saved the card.
import { db } from "../db";
import { checkAmount, CREDIT_PURCHASE_MAX, CREDIT_PURCHASE_MIN } from "../billing/amounts";
import { usdString } from "../money";
import { exactCents } from "./cents";
import { ACCOUNT_METADATA_KEY, ensureStripeCustomer } from "./customers";
import { stripe } from "./stripe-client";

export const PURPOSE_METADATA_KEY = "headroom_purpose";
export const AMOUNT_METADATA_KEY = "headroom_amount_micros";

export type CheckoutResult =
  { ok: true; url: string; sessionId: string } | { ok: false; reason: "invalid_amount" | "no_account"; message: string };

/** Where Checkout sends the browser back to: the console's public URL (NEXTAUTH_URL), else this request's origin. */
export function consoleBaseUrl(req: Request, configured: string | undefined): string {
  return configured ?? new URL(req.url).origin;
}

/** The console page Checkout returns to (success and cancel). */
export function billingPageUrl(baseUrl: string, query: Record<string, string>): string {
  const url = new URL("/billing", baseUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  // Stripe substitutes the literal placeholder; URLSearchParams would have escaped its braces.
  return url.toString().replace("%7BCHECKOUT_SESSION_ID%7D", "{CHECKOUT_SESSION_ID}");
}

export async function createCreditsCheckout(input: { accountId: string; amountMicros: bigint; baseUrl: string }): Promise<CheckoutResult> {
  const amount = checkAmount(input.amountMicros, {
    field: "amountUsd",
    step: "dollar",
    positive: true,
    min: CREDIT_PURCHASE_MIN,
    max: CREDIT_PURCHASE_MAX,
  });
  if (!amount.ok) return { ok: false, reason: "invalid_amount", message: amount.message };
  const customer = await ensureStripeCustomer(input.accountId);
  if (!customer.ok) return customer;
  const metadata = {
    [ACCOUNT_METADATA_KEY]: input.accountId,
    [PURPOSE_METADATA_KEY]: "credits",
    [AMOUNT_METADATA_KEY]: amount.micros.toString(),
  };
  const label = `$${usdString(amount.micros)} of Headroom credits`;
  const session = await stripe().checkout.sessions.create({
    mode: "payment",
    customer: customer.customerId,
    client_reference_id: input.accountId,
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: "usd",
          unit_amount: exactCents(amount.micros),
          product_data: { name: "Headroom credits", description: label },
        },
      },
    ],
    metadata,
    payment_intent_data: { metadata, description: label },
    success_url: billingPageUrl(input.baseUrl, { checkout: "success", session_id: "{CHECKOUT_SESSION_ID}" }),
    cancel_url: billingPageUrl(input.baseUrl, { checkout: "cancelled" }),
  });
  if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a URL`);
  await db().checkoutSession.create({
    data: { accountId: input.accountId, stripeSessionId: session.id, mode: "payment", amountMicros: amount.micros, url: session.url },
  });
  return { ok: true, url: session.url, sessionId: session.id };
}

export async function createSetupCheckout(input: { accountId: string; baseUrl: string }): Promise<CheckoutResult> {
  const customer = await ensureStripeCustomer(input.accountId);
  if (!customer.ok) return customer;
  const metadata = { [ACCOUNT_METADATA_KEY]: input.accountId, [PURPOSE_METADATA_KEY]: "setup" };
  const session = await stripe().checkout.sessions.create({
    mode: "setup",
    customer: customer.customerId,
    client_reference_id: input.accountId,
    // Setup mode needs a currency for Stripe to pick the payment methods it offers.
    currency: "usd",
    metadata,
    setup_intent_data: { metadata, description: "Card for Headroom invoices and auto top-up" },
    success_url: billingPageUrl(input.baseUrl, { setup: "success", session_id: "{CHECKOUT_SESSION_ID}" }),
    cancel_url: billingPageUrl(input.baseUrl, { setup: "cancelled" }),
  });
  if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a URL`);
  await db().checkoutSession.create({
    data: { accountId: input.accountId, stripeSessionId: session.id, mode: "setup", url: session.url },
  });
  return { ok: true, url: session.url, sessionId: session.id };
}
