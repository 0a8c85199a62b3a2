// checkout.session.completed (and .async_payment_succeeded): a paid credits session grants its
// credits — exactly once, keyed by the Checkout Session id, whatever the number, order or
// concurrency of deliveries; a setup session saves its card (Tier 1, lifts `no_payment_method`).
import type Stripe from "stripe";
import { db } from "../../db";
import { grantCredits } from "../../billing/grant-credits";
import { log } from "../../log";
import { usdString } from "../../money";
import { centsOf } from "../cents";
import { PURPOSE_METADATA_KEY } from "../checkout";
import { settleInvoiceInStripe } from "../invoices/settle-invoice";
import { upsertPurchasePayment } from "../payment-rows";
import { prepareCardSave, recordPreparedCard, type PreparedCard } from "../payment-methods";
import { stripe } from "../stripe-client";
import { cardOutcome } from "./card-outcome";
import { accountFor } from "./lookup";
import { idOf, type EventOf, type WebhookHandler, type WebhookOutcome } from "./types";

/** The session's account (and our row of it, if we created it); for a setup session, its card, Stripe side done. */
export interface PreparedSession {
  accountId: string | null;
  row: { amountMicros: bigint | null } | null;
  card: PreparedCard | null;
}

type SessionEvent = EventOf<"checkout.session.completed"> | EventOf<"checkout.session.async_payment_succeeded">;

export const checkoutSessionCompleted: WebhookHandler<"checkout.session.completed", PreparedSession> = {
  prepare: (event) => prepareSession(event.data.object, event.created),
  apply: (event, prepared) => applyCompletedSession(event, prepared),
};

/** Before the transaction: which account, and for a setup session the SetupIntent's card from Stripe. */
export async function prepareSession(session: Stripe.Checkout.Session, eventCreated: number): Promise<PreparedSession> {
  const row = await db().checkoutSession.findUnique({
    where: { stripeSessionId: session.id },
    select: { accountId: true, amountMicros: true },
  });
  const accountId = row?.accountId ?? (await accountFor(idOf(session.customer), session.metadata));
  if (!accountId || session.mode !== "setup") return { accountId, row, card: null };
  const setupIntentId = idOf(session.setup_intent);
  if (!setupIntentId) return { accountId, row, card: { ok: false, accountId, note: "setup session without a SetupIntent" } };
  const si = await stripe().setupIntents.retrieve(setupIntentId);
  const pmId = idOf(si.payment_method);
  if (si.status !== "succeeded" || !pmId) return { accountId, row, card: { ok: false, accountId, note: `SetupIntent ${si.status}` } };
  return { accountId, row, card: await prepareCardSave({ accountId, paymentMethod: pmId, eventCreated }) };
}

export async function applyCompletedSession(event: SessionEvent, prepared: PreparedSession): Promise<WebhookOutcome> {
  const session = event.data.object;
  const { accountId, row } = prepared;
  if (!accountId) return { result: "ignored", accountId: null, note: "not a Headroom Checkout Session" };
  const markComplete = () =>
    db().checkoutSession.updateMany({
      where: { stripeSessionId: session.id, status: { not: "complete" } },
      data: { status: "complete", completedAt: new Date(event.created * 1000) },
    });
  if (session.mode === "setup") {
    if (!prepared.card) return { result: "ignored", accountId, note: "setup session without a card" };
    const saved = await recordPreparedCard(prepared.card, event.created);
    // Complete only when a card is on file from it: a session whose SetupIntent did not succeed
    // stays open (the console keeps showing "waiting for your card", not "card added").
    if (saved.outcome === "saved" || saved.outcome === "duplicate") await markComplete();
    return cardOutcome(accountId, saved);
  }
  if (session.mode !== "payment" || (!row && session.metadata?.[PURPOSE_METADATA_KEY] !== "credits")) {
    return { result: "ignored", accountId, note: `not a credits session (mode ${session.mode})` };
  }
  // Only money Stripe has collected becomes credits (SPEC §4); async methods complete later.
  if (session.payment_status !== "paid") return { result: "ignored", accountId, note: `payment ${session.payment_status}` };
  if (session.currency !== "usd" || session.amount_total === null) {
    log.error("paid Checkout Session in an unexpected currency: no credits granted", { sessionId: session.id, currency: session.currency });
    return { result: "ignored", accountId, note: "not a USD amount" };
  }
  const amountMicros = centsOf(session.amount_total);
  if (row?.amountMicros != null && row.amountMicros !== amountMicros) {
    log.warn("Checkout Session paid a different amount than requested; granting what was paid", {
      sessionId: session.id,
      requested: row.amountMicros,
      paid: amountMicros,
    });
  }
  const granted = await grantCredits({
    accountId,
    amountMicros,
    idempotencyKey: session.id,
    kind: "credit_purchase",
    description: `Credits purchased with Stripe Checkout ($${usdString(amountMicros)})`,
  });
  if (!granted.ok) {
    // Money taken that cannot become credits (e.g. a session not created by Headroom): an operator must act.
    log.error("paid Checkout Session could not be granted", {
      sessionId: session.id,
      accountId,
      reason: granted.reason,
      message: granted.message,
    });
    return { result: "ignored", accountId, note: granted.message };
  }
  await markComplete();
  const paymentIntentId = idOf(session.payment_intent);
  if (paymentIntentId) {
    await upsertPurchasePayment(db(), {
      purchaseKey: session.id,
      accountId,
      purpose: "credits",
      status: "succeeded",
      amountMicros,
      paymentIntentId,
    });
  }
  // Credits paid invoices open in Stripe: once committed, stop Stripe from charging them too.
  const settle = granted.granted ? granted.paidInvoices.filter((p) => p.fullyPaid && p.stripeInvoiceId).map((p) => p.invoiceId) : [];
  return {
    result: granted.granted ? "applied" : "duplicate",
    accountId,
    note: granted.granted ? `granted $${usdString(amountMicros)}; tier ${granted.tier}, ${granted.status}` : "credits already granted",
    ...(settle.length > 0 ? { afterCommit: () => settleInvoices(settle) } : {}),
  };
}

/** Best effort: the settle sweeper retries any invoice this could not settle. */
async function settleInvoices(invoiceIds: string[]): Promise<void> {
  for (const invoiceId of invoiceIds) {
    await settleInvoiceInStripe(invoiceId).catch((err: unknown) =>
      log.warn("could not settle a credit-paid invoice in Stripe yet", { invoiceId, error: String(err) }),
    );
  }
}
