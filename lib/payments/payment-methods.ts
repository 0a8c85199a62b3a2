// Saved cards: what Stripe attached to the account's customer becomes a PaymentMethod row through
// the billing verb (Tier 1, lifts `no_payment_method`), and Stripe is told to charge invoices to it.
import type Stripe from "stripe";
import { db } from "../db";
import { recordPaymentMethod } from "../billing/record-payment-method";
import { stripe } from "./stripe-client";

export interface PaymentMethodView {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  isDefault: boolean;
  createdAt: string;
}

/** GET /api/v1/payment-methods: the account's cards on file, default first. */
export async function listPaymentMethods(accountId: string): Promise<PaymentMethodView[]> {
  const rows = await db().paymentMethod.findMany({
    where: { accountId, detachedAt: null },
    orderBy: [{ isDefault: "desc" }, { createdAt: "desc" }],
    select: { id: true, brand: true, last4: true, expMonth: true, expYear: true, isDefault: true, createdAt: true },
  });
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

export type SaveCardOutcome =
  | { outcome: "saved"; paymentMethodId: string; tier: string; status: "active" | "suspended" }
  | { outcome: "duplicate" | "ignored"; note: string };

/**
 * Record a card Stripe attached to the account's customer and make it the customer's default for
 * invoices. Idempotent on the Stripe payment method id: a card already on file is left alone (a
 * replayed event never makes an older card the default again), and a card removed after the event
 * was created stays removed.
 */
export async function saveCardFromStripe(input: {
  accountId: string;
  paymentMethod: string | Stripe.PaymentMethod;
  /** Stripe's `created` of the event reporting it (seconds). */
  eventCreated?: number;
}): Promise<SaveCardOutcome> {
  const pm = typeof input.paymentMethod === "string" ? await stripe().paymentMethods.retrieve(input.paymentMethod) : input.paymentMethod;
  if (pm.type !== "card" || !pm.card) return { outcome: "ignored", note: `payment method ${pm.id} is not a card` };
  const existing = await db().paymentMethod.findUnique({
    where: { stripePaymentMethodId: pm.id },
    select: { accountId: true, detachedAt: true, isDefault: true },
  });
  const customerId = typeof pm.customer === "string" ? pm.customer : (pm.customer?.id ?? null);
  if (existing && existing.accountId !== input.accountId) return { outcome: "ignored", note: "payment method belongs to another account" };
  if (existing && existing.detachedAt === null) {
    // A retry after Stripe failed to take the default below: finish that part.
    if (existing.isDefault && customerId) await setCustomerDefault(customerId, pm.id);
    return { outcome: "duplicate", note: "card already on file" };
  }
  if (existing?.detachedAt && input.eventCreated !== undefined && existing.detachedAt.getTime() >= input.eventCreated * 1000) {
    return { outcome: "ignored", note: "card was removed after this event" };
  }
  const recorded = await recordPaymentMethod({
    accountId: input.accountId,
    stripePaymentMethodId: pm.id,
    brand: pm.card.brand,
    last4: pm.card.last4,
    expMonth: pm.card.exp_month,
    expYear: pm.card.exp_year,
  });
  if (!recorded.ok) {
    if (recorded.reason === "no_account" || recorded.reason === "belongs_to_other_account")
      return { outcome: "ignored", note: recorded.message };
    throw new Error(`recordPaymentMethod refused ${pm.id}: ${recorded.message}`);
  }
  if (customerId) await setCustomerDefault(customerId, pm.id);
  return { outcome: "saved", paymentMethodId: recorded.paymentMethodId, tier: recorded.tier, status: recorded.status };
}

/** Invoices are charged to the customer's default card (SPEC §4). Idempotent. */
async function setCustomerDefault(customerId: string, paymentMethodId: string): Promise<void> {
  await stripe().customers.update(customerId, { invoice_settings: { default_payment_method: paymentMethodId } });
}
