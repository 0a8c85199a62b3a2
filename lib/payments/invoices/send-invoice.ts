// Month close drafts an invoice in our database; this sends it to Stripe and charges the card on
// file (SPEC §4): a Stripe invoice with one item per line (+ a "paid from credits" line when credits
// settled part of it), finalized → markInvoiceOpen (Stripe id + hosted page), then paid. Whether the
// charge worked is decided by the webhooks (invoice.paid / invoice.payment_failed), not here.
//
// Safe to run again and from several instances: the work for one invoice is claimed through a
// JobRun ("stripe-invoice-send", invoice id); the Stripe invoice is found again by its metadata
// before a new one is created, and each of its items is added once (by its line key).
import Stripe from "stripe";
import { db } from "../../db";
import { markInvoiceOpen } from "../../billing/mark-invoice-open";
import { belowMinimumCharge, MINIMUM_CARD_CHARGE } from "../../billing/amounts";
import { lockAccount } from "../../billing/lock-account";
import { markInvoicePaid } from "../../billing/mark-invoice-paid";
import { sortInvoiceLines } from "../../billing/invoice-line-order";
import { periodLabel } from "../../billing/period";
import { waiveCentFractions } from "../../billing/waive-cent-fractions";
import { errorSummary, log } from "../../log";
import { runJobOnce } from "../../jobs/runner";
import { allocateCents, floorToCents } from "../cents";
import { ACCOUNT_METADATA_KEY, ensureStripeCustomer } from "../customers";
import { stripe } from "../stripe-client";
import { settleInvoiceInStripe } from "./settle-invoice";

export const INVOICE_METADATA_KEY = "headroom_invoice_id";
const LINE_METADATA_KEY = "headroom_line";
const JOB = "stripe-invoice-send";

export type SendInvoiceResult =
  | { outcome: "sent"; stripeInvoiceId: string; hostedUrl: string; charge: "paid" | "declined" | "not_attempted" }
  | { outcome: "skipped"; reason: "not_found" | "not_draft" | "nothing_due" | "below_minimum" | "no_account" | "in_progress" }
  | { outcome: "settled_from_credits"; stripeInvoiceId: string };

interface PlannedItem {
  key: string;
  cents: number;
  description: string;
}

/**
 * The Stripe items of an invoice: the lines share the whole cents of the total (each within a cent
 * of its amount, adding up exactly), and one negative line takes off what was paid already — from
 * credits, and the fraction of a cent waived — so Stripe's amount due is exactly ours, whole cents.
 * Lines are taken in the invoice's one order (invoice-line-order.ts), whatever order they come in:
 * a cent that two lines tie for goes to the same line here as in the API.
 */
export function planInvoiceItems(invoice: {
  totalMicros: bigint;
  paidMicros: bigint;
  lines: { id: string; subject: string; description: string; quantity: bigint; unit: string; amountMicros: bigint }[];
}): { items: PlannedItem[]; dueCents: bigint } {
  const totalCents = floorToCents(invoice.totalMicros);
  const dueCents = floorToCents(invoice.totalMicros - invoice.paidMicros);
  const lines = sortInvoiceLines(invoice.lines);
  const lineCents = allocateCents(
    lines.map((l) => l.amountMicros),
    totalCents,
  );
  const items: PlannedItem[] = lines.map((line, i) => ({
    key: line.id,
    cents: Number(lineCents[i] ?? 0n),
    description: `${line.description} (${line.quantity.toLocaleString("en-US")} ${line.unit})`,
  }));
  if (dueCents !== totalCents) items.push({ key: "credits", cents: Number(dueCents - totalCents), description: "Paid from your credits" });
  return { items, dueCents };
}

/** Send one invoice (draft in our database, not yet in Stripe) and charge it; at most once at a time. */
export async function sendInvoiceToStripe(invoiceId: string): Promise<SendInvoiceResult> {
  const run = await runJobOnce(JOB, invoiceId, () => send(invoiceId), { staleAfterMs: 5 * 60_000, retryFailedAfterMs: 30_000 });
  if (run.ran) {
    if (!run.ok) throw run.cause instanceof Error ? run.cause : new Error(run.error);
    return run.result;
  }
  // Done before (its result stands in the JobRun), or another instance is on it.
  return { outcome: "skipped", reason: run.reason === "already_done" ? "not_draft" : "in_progress" };
}

async function send(invoiceId: string): Promise<SendInvoiceResult> {
  // Stripe is asked for whole cents, and exactly what the ledger will record as paid by card: a
  // fraction of a cent still due (a draft from before month close waived it) is waived first.
  await wholeCentsDue(invoiceId);
  const invoice = await db().invoice.findUnique({
    where: { id: invoiceId },
    select: {
      id: true,
      accountId: true,
      period: true,
      status: true,
      totalMicros: true,
      paidMicros: true,
      stripeInvoiceId: true,
      lines: { select: { id: true, subject: true, description: true, quantity: true, unit: true, amountMicros: true } },
    },
  });
  if (!invoice) return { outcome: "skipped", reason: "not_found" };
  if (invoice.status !== "draft" || invoice.stripeInvoiceId) return { outcome: "skipped", reason: "not_draft" };
  const { items, dueCents } = planInvoiceItems(invoice);
  // Less than a cent left (credits paid the rest): nothing Stripe could charge. New credits settle it.
  if (dueCents <= 0n) return { outcome: "skipped", reason: "nothing_due" };
  // Under the minimum card charge: Stripe would mark it paid without charging anything. It stays
  // here, payable by credits, and the next month close carries it (carry-small-invoices.ts).
  if (belowMinimumCharge(invoice.totalMicros - invoice.paidMicros)) return { outcome: "skipped", reason: "below_minimum" };
  const customer = await ensureStripeCustomer(invoice.accountId);
  if (!customer.ok) return { outcome: "skipped", reason: "no_account" };

  const client = stripe();
  const key = `headroom-invoice-${invoice.id}`;
  const label = periodLabel(invoice.period);
  let si =
    (await findStripeInvoice(customer.customerId, invoice.id)) ??
    (await client.invoices.create(
      {
        customer: customer.customerId,
        collection_method: "charge_automatically",
        // We charge it ourselves right after finalizing; Stripe must not also collect it on its own schedule.
        auto_advance: false,
        currency: "usd",
        pending_invoice_items_behavior: "exclude",
        description: `Headroom usage for ${label}`,
        metadata: { [INVOICE_METADATA_KEY]: invoice.id, [ACCOUNT_METADATA_KEY]: invoice.accountId },
      },
      { idempotencyKey: `${key}-create` },
    ));
  if (si.status === "draft") {
    const present = new Set<string>();
    for await (const line of client.invoices.listLineItems(si.id, { limit: 100 })) {
      const k = line.metadata?.[LINE_METADATA_KEY];
      if (k) present.add(k);
    }
    for (const item of items) {
      if (present.has(item.key)) continue;
      await client.invoiceItems.create(
        {
          customer: customer.customerId,
          invoice: si.id,
          currency: "usd",
          amount: item.cents,
          description: item.description,
          metadata: { [LINE_METADATA_KEY]: item.key, [INVOICE_METADATA_KEY]: invoice.id },
        },
        { idempotencyKey: `${key}-item-${item.key}` },
      );
    }
    si = await client.invoices.finalizeInvoice(si.id, { auto_advance: false }, { idempotencyKey: `${key}-finalize` });
  }
  if (BigInt(si.amount_due) !== dueCents) {
    log.warn("stripe invoice amount differs from ours", {
      invoiceId: invoice.id,
      stripeInvoiceId: si.id,
      ours: dueCents,
      stripe: si.amount_due,
    });
  }
  if (!si.hosted_invoice_url) throw new Error(`Stripe invoice ${si.id} has no hosted page after finalizing`);
  const opened = await markInvoiceOpen(
    { invoiceId: invoice.id },
    {
      stripeInvoiceId: si.id,
      hostedUrl: si.hosted_invoice_url,
      ...(si.status_transitions.finalized_at ? { eventCreated: si.status_transitions.finalized_at } : {}),
    },
  );
  if (!opened.ok) throw new Error(`markInvoiceOpen refused ${invoice.id}: ${opened.message}`);
  // Credits may have paid it while we were talking to Stripe: then Stripe must not charge the card.
  if (opened.status === "paid") {
    await settleInvoiceInStripe(invoice.id);
    return { outcome: "settled_from_credits", stripeInvoiceId: si.id };
  }
  if (opened.status !== "open" || si.status !== "open") {
    return { outcome: "sent", stripeInvoiceId: si.id, hostedUrl: si.hosted_invoice_url, charge: "not_attempted" };
  }
  const charge = await payInvoice(si.id, key);
  // Paid: recorded now, not when invoice.paid arrives — while it is on its way the invoice looks
  // open here, and new credits would pay it a second time.
  if (charge === "paid") {
    const paid = await markInvoicePaid({ invoiceId: invoice.id });
    if (!paid.ok) log.warn("recording a paid invoice refused; its webhook will record it", { invoiceId: invoice.id, reason: paid.message });
  }
  return { outcome: "sent", stripeInvoiceId: si.id, hostedUrl: si.hosted_invoice_url, charge };
}

async function wholeCentsDue(invoiceId: string): Promise<void> {
  const row = await db().invoice.findUnique({ where: { id: invoiceId }, select: { accountId: true } });
  if (!row) return;
  await db().$transaction(async (tx) => {
    if (await lockAccount(tx, row.accountId)) await waiveCentFractions(tx, row.accountId, new Date(), invoiceId);
  });
}

/** Charge the customer's default card. A decline is an expected outcome: the webhook records it. */
async function payInvoice(stripeInvoiceId: string, key: string): Promise<"paid" | "declined"> {
  try {
    await stripe().invoices.pay(stripeInvoiceId, {}, { idempotencyKey: `${key}-pay` });
    return "paid";
  } catch (err) {
    if (err instanceof Stripe.errors.StripeCardError) return "declined";
    // No card on file: Stripe sends invoice.payment_failed as for a decline.
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === "invoice_no_payment_method_types") return "declined";
    throw err;
  }
}

async function findStripeInvoice(customerId: string, invoiceId: string): Promise<Stripe.Invoice | null> {
  for await (const si of stripe().invoices.list({ customer: customerId, limit: 100 })) {
    if (si.metadata?.[INVOICE_METADATA_KEY] === invoiceId && si.status !== "void") return si;
  }
  return null;
}

/**
 * Every draft invoice with at least the minimum card charge due that is not in Stripe yet (the
 * sweeper's work). Drafts under it wait here for credits or the next close, any number of them: they
 * are left out by the query, so they never take the places of drafts to send.
 */
export async function sendPendingInvoices(): Promise<SendInvoiceResult[]> {
  const drafts = await db().$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Invoice"
    WHERE "status" = 'draft'::"InvoiceStatus" AND "stripeInvoiceId" IS NULL
      AND "totalMicros" - "paidMicros" >= ${MINIMUM_CARD_CHARGE}
    ORDER BY "createdAt" ASC LIMIT 100`;
  const results: SendInvoiceResult[] = [];
  for (const draft of drafts) {
    try {
      results.push(await sendInvoiceToStripe(draft.id));
    } catch (err) {
      log.error("sending an invoice to Stripe failed; will retry", {
        invoiceId: draft.id,
        error: errorSummary(err),
      });
    }
  }
  return results;
}
