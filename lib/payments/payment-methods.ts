// Saved cards: what Stripe attached to the account's customer becomes a PaymentMethod row through
// the billing verb (Tier 1, lifts `no_payment_method`), and Stripe is told to charge invoices to it.
// Saving is two steps — the Stripe calls first, then the database record — so a webhook can record
// the card in its own transaction without holding it across a network call.
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

/** A card Stripe reported, after the Stripe side of saving it (see prepareCardSave). */
export type PreparedCard =
  | { ok: true; accountId: string; card: { id: string; brand: string; last4: string; expMonth: number; expYear: number } }
  | { ok: false; accountId: string; note: string };

interface CardRow {
  accountId: string;
  detachedAt: Date | null;
  isDefault: boolean;
}

/**
 * What an event reporting this card does, judged from our row of it. Idempotent on the Stripe
 * payment method id: a card already on file is left alone (a replayed event never makes an older
 * card the default again), and a card removed after the event was created stays removed.
 */
function judgeCard(
  existing: CardRow | null,
  accountId: string,
  eventCreated: number | undefined,
): { kind: "save" } | { kind: "on_file"; isDefault: boolean } | { kind: "ignored"; note: string } {
  if (existing && existing.accountId !== accountId) return { kind: "ignored", note: "payment method belongs to another account" };
  if (existing && existing.detachedAt === null) return { kind: "on_file", isDefault: existing.isDefault };
  if (existing?.detachedAt && eventCreated !== undefined && existing.detachedAt.getTime() >= eventCreated * 1000) {
    return { kind: "ignored", note: "card was removed after this event" };
  }
  return { kind: "save" };
}

const cardRow = (stripePaymentMethodId: string) =>
  db().paymentMethod.findUnique({ where: { stripePaymentMethodId }, select: { accountId: true, detachedAt: true, isDefault: true } });

/**
 * The Stripe side of saving a card, before anything is recorded: fetch the card when only its id
 * is known, and make it the customer's default for invoices when it becomes (or already is) our
 * default — also finishing a default Stripe failed to take earlier. Idempotent; a failure leaves
 * nothing recorded, so the event's redelivery does it all again.
 */
export async function prepareCardSave(input: {
  accountId: string;
  paymentMethod: string | Stripe.PaymentMethod;
  /** Stripe's `created` of the event reporting it (seconds). */
  eventCreated?: number;
}): Promise<PreparedCard> {
  const { accountId } = input;
  const pm = typeof input.paymentMethod === "string" ? await stripe().paymentMethods.retrieve(input.paymentMethod) : input.paymentMethod;
  if (pm.type !== "card" || !pm.card) return { ok: false, accountId, note: `payment method ${pm.id} is not a card` };
  const judged = judgeCard(await cardRow(pm.id), accountId, input.eventCreated);
  if (judged.kind === "ignored") return { ok: false, accountId, note: judged.note };
  const customerId = typeof pm.customer === "string" ? pm.customer : (pm.customer?.id ?? null);
  if (customerId && (judged.kind === "save" || judged.isDefault)) await setCustomerDefault(customerId, pm.id);
  const { brand, last4, exp_month: expMonth, exp_year: expYear } = pm.card;
  return { ok: true, accountId, card: { id: pm.id, brand, last4, expMonth, expYear } };
}

/**
 * Record a prepared card (database only, so it may run inside a webhook's transaction): Tier 1,
 * lifts `no_payment_method`, through recordPaymentMethod. Judged again here, on the row as it is now.
 */
export async function recordPreparedCard(prepared: PreparedCard, eventCreated?: number): Promise<SaveCardOutcome> {
  if (!prepared.ok) return { outcome: "ignored", note: prepared.note };
  const { accountId, card } = prepared;
  const judged = judgeCard(await cardRow(card.id), accountId, eventCreated);
  if (judged.kind === "ignored") return { outcome: "ignored", note: judged.note };
  if (judged.kind === "on_file") return { outcome: "duplicate", note: "card already on file" };
  const recorded = await recordPaymentMethod({
    accountId,
    stripePaymentMethodId: card.id,
    brand: card.brand,
    last4: card.last4,
    expMonth: card.expMonth,
    expYear: card.expYear,
  });
  if (!recorded.ok) {
    if (recorded.reason === "no_account" || recorded.reason === "belongs_to_other_account")
      return { outcome: "ignored", note: recorded.message };
    throw new Error(`recordPaymentMethod refused ${card.id}: ${recorded.message}`);
  }
  return { outcome: "saved", paymentMethodId: recorded.paymentMethodId, tier: recorded.tier, status: recorded.status };
}

/** Both steps at once, for callers outside a webhook (the demo card). */
export async function saveCardFromStripe(input: {
  accountId: string;
  paymentMethod: string | Stripe.PaymentMethod;
  eventCreated?: number;
}): Promise<SaveCardOutcome> {
  return recordPreparedCard(await prepareCardSave(input), input.eventCreated);
}

/** After a default card was removed: Stripe charges invoices to the card that became our default. */
export async function makeCustomerDefault(accountId: string, stripePaymentMethodId: string): Promise<void> {
  const account = await db().account.findUnique({ where: { id: accountId }, select: { stripeCustomerId: true } });
  if (account?.stripeCustomerId) await setCustomerDefault(account.stripeCustomerId, stripePaymentMethodId);
}

/** Invoices are charged to the customer's default card (SPEC §4). Idempotent. */
export async function setCustomerDefault(customerId: string, paymentMethodId: string): Promise<void> {
  await stripe().customers.update(customerId, { invoice_settings: { default_payment_method: paymentMethodId } });
}
