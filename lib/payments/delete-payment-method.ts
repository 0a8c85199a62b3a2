// DELETE /api/v1/payment-methods/{id}: the owner removes a saved card. It is detached in Stripe
// (no more charges to it) and marked removed here through removePaymentMethod (history kept).
//
// What follows from it (SPEC §3, §5):
// - The tier never drops: it was earned, and tiers go down only by an operator.
// - If it was the default, the newest remaining card becomes the default — here and, before the
//   detach, in Stripe, so invoices and auto top-up go on being charged to a card the owner kept.
// - Removing the last card while auto top-up is on is refused: auto top-up would silently stop
//   working (and with it, the credits that keep the account running). The owner turns it off first
//   — a decision to make knowingly — or adds another card. Checked under the account's row lock, so
//   removing the last two cards at once leaves one.
// - Removing the last card otherwise is allowed; with no credits left the account is suspended for
//   `no_payment_method` at once, which the answer's `status` says.
import Stripe from "stripe";
import { db } from "../db";
import { removePaymentMethod, restorePaymentMethod } from "../billing/remove-payment-method";
import { log } from "../log";
import { setCustomerDefault } from "./payment-methods";
import { stripe } from "./stripe-client";

export type DeletePaymentMethodResult =
  | { ok: true; remaining: number; status: "active" | "suspended"; defaultPaymentMethodId: string | null }
  | { ok: false; reason: "not_found" | "auto_top_up_on"; message: string };

export async function deletePaymentMethod(input: {
  accountId: string;
  /** Our id of the card (GET /api/v1/payment-methods). */
  paymentMethodId: string;
  actorId: string | null;
}): Promise<DeletePaymentMethodResult> {
  const { accountId } = input;
  const account = await db().account.findUnique({
    where: { id: accountId },
    select: {
      stripeCustomerId: true,
      paymentMethods: {
        where: { detachedAt: null },
        orderBy: { createdAt: "desc" },
        select: { id: true, stripePaymentMethodId: true, isDefault: true },
      },
    },
  });
  const card = account?.paymentMethods.find((m) => m.id === input.paymentMethodId);
  if (!account || !card) return { ok: false, reason: "not_found", message: "No such card on this account." };
  // Ours first, under the account's lock (the auto top-up rule holds against a concurrent removal
  // of the other card); then Stripe. While Stripe is being told, we already charge nothing to the
  // card and Stripe still has a card to charge. If Stripe refuses or does not answer, the card is
  // put back: it is still attached there.
  const removed = await removePaymentMethod({
    accountId,
    stripePaymentMethodId: card.stripePaymentMethodId,
    actorId: input.actorId,
    keepLastForAutoTopUp: true,
  });
  if (!removed.ok && removed.reason === "auto_top_up_on") return { ok: false, reason: "auto_top_up_on", message: removed.message };
  if (!removed.ok || !removed.removed) return { ok: false, reason: "not_found", message: "No such card on this account." };
  try {
    // The card that took over as default here becomes Stripe's default before the detach, so
    // invoices and auto top-up go on being charged to a card the owner kept.
    if (removed.newDefault && account.stripeCustomerId) await moveStripeDefault(accountId, account.stripeCustomerId, removed.newDefault);
    await detachInStripe(card.stripePaymentMethodId);
  } catch (err) {
    await restorePaymentMethod({ accountId, stripePaymentMethodId: card.stripePaymentMethodId, makeDefault: card.isDefault });
    throw err;
  }
  const defaultRow = await db().paymentMethod.findFirst({
    where: { accountId, detachedAt: null, isDefault: true },
    select: { id: true },
  });
  return { ok: true, remaining: removed.remaining, status: removed.status, defaultPaymentMethodId: defaultRow?.id ?? null };
}

/**
 * Stripe charges invoices to the card taking over. A card Stripe refuses (not attached to the
 * customer any more, e.g. an old placeholder) cannot be charged either way: that is logged and the
 * removal goes on. Stripe not answering stops the removal (503; the card stays on file).
 */
async function moveStripeDefault(accountId: string, customerId: string, stripePaymentMethodId: string): Promise<void> {
  try {
    await setCustomerDefault(customerId, stripePaymentMethodId);
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeInvalidRequestError)) throw err;
    log.warn("the card taking over as default is unknown to Stripe", { accountId, stripePaymentMethodId, error: err.message });
  }
}

/** Detach; a card Stripe does not have attached (gone already, or never there) is fine. */
async function detachInStripe(stripePaymentMethodId: string): Promise<void> {
  try {
    await stripe().paymentMethods.detach(stripePaymentMethodId);
  } catch (err) {
    const gone =
      err instanceof Stripe.errors.StripeInvalidRequestError &&
      (err.code === "resource_missing" || err.code === "payment_method_unexpected_state");
    if (!gone) throw err;
  }
}
