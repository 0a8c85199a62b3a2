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
import { saveCardFromStripe } from "../payment-methods";
import { stripe } from "../stripe-client";
import { accountFor } from "./lookup";
import { idOf, type Tx, type WebhookHandler, type WebhookOutcome } from "./types";

export const checkoutSessionCompleted: WebhookHandler<"checkout.session.completed"> = (event) =>
  handleCompletedSession(event.data.object, event.created);

export async function handleCompletedSession(session: Stripe.Checkout.Session, eventCreated: number): Promise<WebhookOutcome> {
  const row = await db().checkoutSession.findUnique({
    where: { stripeSessionId: session.id },
    select: { accountId: true, amountMicros: true },
  });
  const accountId = row?.accountId ?? (await accountFor(idOf(session.customer), session.metadata));
  if (!accountId) return { result: "ignored", accountId: null, note: "not a Headroom Checkout Session" };
  const markComplete = async (tx: Tx) => {
    await tx.checkoutSession.updateMany({
      where: { stripeSessionId: session.id, status: { not: "complete" } },
      data: { status: "complete", completedAt: new Date(eventCreated * 1000) },
    });
  };
  if (session.mode === "setup") return saveSessionCard(session, accountId, eventCreated, markComplete);
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
  if (granted.granted) {
    for (const paid of granted.paidInvoices) {
      if (!paid.fullyPaid || !paid.stripeInvoiceId) continue;
      // Credits paid an invoice open in Stripe: stop Stripe from charging it too. The sweeper retries on failure.
      await settleInvoiceInStripe(paid.invoiceId).catch((err: unknown) =>
        log.warn("could not settle a credit-paid invoice in Stripe yet", { invoiceId: paid.invoiceId, error: String(err) }),
      );
    }
  }
  const paymentIntentId = idOf(session.payment_intent);
  return {
    result: granted.granted ? "applied" : "duplicate",
    accountId,
    note: granted.granted ? `granted $${usdString(amountMicros)}; tier ${granted.tier}, ${granted.status}` : "credits already granted",
    record: async (tx) => {
      await markComplete(tx);
      if (paymentIntentId) {
        await upsertPurchasePayment(tx, {
          purchaseKey: session.id,
          accountId,
          purpose: "credits",
          status: "succeeded",
          amountMicros,
          paymentIntentId,
        });
      }
    },
  };
}

async function saveSessionCard(
  session: Stripe.Checkout.Session,
  accountId: string,
  eventCreated: number,
  markComplete: (tx: Tx) => Promise<void>,
): Promise<WebhookOutcome> {
  const setupIntentId = idOf(session.setup_intent);
  if (!setupIntentId) return { result: "ignored", accountId, note: "setup session without a SetupIntent" };
  const si = await stripe().setupIntents.retrieve(setupIntentId);
  const pmId = idOf(si.payment_method);
  if (si.status !== "succeeded" || !pmId) return { result: "ignored", accountId, note: `SetupIntent ${si.status}` };
  const saved = await saveCardFromStripe({ accountId, paymentMethod: pmId, eventCreated });
  return {
    result: saved.outcome === "saved" ? "applied" : saved.outcome,
    accountId,
    note: saved.outcome === "saved" ? `card saved; tier ${saved.tier}, ${saved.status}` : saved.note,
    record: markComplete,
  };
}
