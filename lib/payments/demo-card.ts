// The demo account's card (SPEC §14): a real Stripe test card (4242, `tok_visa`) on a real Stripe
// (emulator) customer, so the demo's invoices and auto top-ups are charged like anyone's. Runs on
// every start: it replaces the placeholder row older data folders have, and re-creates the card when
// the emulator's state was lost. Test mode only — never with a live key.
import Stripe from "stripe";
import { db } from "../db";
import { removePaymentMethod } from "../billing/remove-payment-method";
import { log } from "../log";
import { ensureStripeCustomer } from "./customers";
import { saveCardFromStripe } from "./payment-methods";
import { stripe, stripeMode } from "./stripe-client";
import { env } from "../env";

const PLACEHOLDER_PREFIX = "pm_demo_";

export type DemoCardResult = "saved" | "present" | "skipped_live_mode";

export async function ensureDemoCard(accountId: string): Promise<DemoCardResult> {
  if (stripeMode() === "stripe" && !env().STRIPE_SECRET_KEY?.startsWith("sk_test_")) return "skipped_live_mode";
  const account = await db().account.findUniqueOrThrow({
    where: { id: accountId },
    select: { stripeCustomerId: true, paymentMethods: { where: { detachedAt: null }, select: { stripePaymentMethodId: true } } },
  });
  const placeholders = account.paymentMethods.filter((m) => m.stripePaymentMethodId.startsWith(PLACEHOLDER_PREFIX));
  const real = account.paymentMethods.filter((m) => !m.stripePaymentMethodId.startsWith(PLACEHOLDER_PREFIX));

  let stale: string[] = [];
  if (account.stripeCustomerId && !(await customerExists(account.stripeCustomerId))) {
    // The emulator forgot its customers (state file deleted): start over with a new customer and card.
    log.warn("demo account's Stripe customer is gone; creating a new one", { accountId });
    await db().account.update({ where: { id: accountId }, data: { stripeCustomerId: null } });
    stale = real.map((m) => m.stripePaymentMethodId);
  } else if (real.length > 0) {
    await dropPlaceholders(accountId, placeholders);
    return "present";
  }

  const customer = await ensureStripeCustomer(accountId);
  if (!customer.ok) throw new Error(`demo card: ${customer.message}`);
  const pm = await stripe().paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
  const attached = await stripe().paymentMethods.attach(pm.id, { customer: customer.customerId });
  const saved = await saveCardFromStripe({ accountId, paymentMethod: attached });
  if (saved.outcome !== "saved" && saved.outcome !== "duplicate") throw new Error(`demo card not saved: ${saved.note}`);
  for (const id of stale) await removePaymentMethod({ accountId, stripePaymentMethodId: id });
  await dropPlaceholders(accountId, placeholders);
  return "saved";
}

async function customerExists(customerId: string): Promise<boolean> {
  try {
    const customer = await stripe().customers.retrieve(customerId);
    return !("deleted" in customer && customer.deleted);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode === 404) return false;
    throw err;
  }
}

/** The placeholder never existed in Stripe: it goes entirely (no history to keep). */
async function dropPlaceholders(accountId: string, placeholders: { stripePaymentMethodId: string }[]): Promise<void> {
  if (placeholders.length === 0) return;
  await db().paymentMethod.deleteMany({
    where: { accountId, stripePaymentMethodId: { in: placeholders.map((p) => p.stripePaymentMethodId) } },
  });
}
