// Credits paid an invoice that is already open in Stripe (grant-credits pays open and failed
// invoices in whole, SPEC §4): Stripe must stop asking the card for it, so the Stripe invoice is
// marked paid out of band. Once per invoice (JobRun "stripe-invoice-settle"); the sweeper retries
// any that failed (Stripe unreachable) until it worked. Should Stripe have collected it by card
// meanwhile (its invoice.paid not delivered yet), the customer paid twice: the credits go back
// (record-card-payment-after-credits.ts).
import { db } from "../../db";
import { errorSummary, log } from "../../log";
import { runJobOnce } from "../../jobs/runner";
import { stripe } from "../stripe-client";
import { recordCardPaymentAfterCredits } from "../../billing/record-card-payment-after-credits";
import { cardCollectedCents } from "./card-collected";

const JOB = "stripe-invoice-settle";

export type SettleResult = { outcome: "settled" | "already_settled" | "not_needed" | "in_progress" | "collected_by_card" };

export async function settleInvoiceInStripe(invoiceId: string): Promise<SettleResult> {
  const run = await runJobOnce(JOB, invoiceId, () => settle(invoiceId), { staleAfterMs: 5 * 60_000, retryFailedAfterMs: 30_000 });
  if (run.ran) {
    if (!run.ok) throw run.cause instanceof Error ? run.cause : new Error(run.error);
    return run.result;
  }
  return { outcome: run.reason === "already_done" ? "already_settled" : "in_progress" };
}

async function settle(invoiceId: string): Promise<SettleResult> {
  const invoice = await db().invoice.findUnique({ where: { id: invoiceId }, select: { status: true, stripeInvoiceId: true } });
  if (!invoice || invoice.status !== "paid" || !invoice.stripeInvoiceId) return { outcome: "not_needed" };
  const si = await stripe().invoices.retrieve(invoice.stripeInvoiceId);
  if (si.status === "paid") {
    const returned = await recordCardPaymentAfterCredits({ invoiceId }, cardCollectedCents(si));
    return { outcome: returned.outcome === "returned" ? "collected_by_card" : "not_needed" };
  }
  if (si.status !== "open" && si.status !== "uncollectible") return { outcome: "not_needed" };
  // Its `invoice.paid` webhook finds our invoice already paid: a no-op (markInvoicePaid → duplicate).
  await stripe().invoices.pay(si.id, { paid_out_of_band: true }, { idempotencyKey: `headroom-invoice-${invoiceId}-settle` });
  return { outcome: "settled" };
}

/** Paid invoices with a Stripe invoice that Stripe did not collect and we have not settled yet. */
export async function settlePaidInvoices(): Promise<number> {
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT i."id" FROM "Invoice" i
    WHERE i."status" = 'paid' AND i."stripeInvoiceId" IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "LedgerEntry" l WHERE l."idempotencyKey" = 'invoice-payment:external:' || i."id")
      AND NOT EXISTS (SELECT 1 FROM "JobRun" j WHERE j."job" = ${JOB} AND j."key" = i."id" AND j."status" = 'succeeded')
    ORDER BY i."updatedAt" ASC LIMIT 100`;
  let settled = 0;
  for (const { id } of rows) {
    try {
      if ((await settleInvoiceInStripe(id)).outcome === "settled") settled++;
    } catch (err) {
      log.error("settling a credit-paid invoice in Stripe failed; will retry", {
        invoiceId: id,
        error: errorSummary(err),
      });
    }
  }
  return settled;
}
