// Invoices charge whole cents (SPEC §2, §4). Usage is metered in micro-USD and a card is charged in
// cents, so the rule is: an invoice's amount due is made a whole number of cents before it can be
// charged, by waiving the fraction of a cent left (rounding down, in the customer's favour: at most
// $0.009999 per invoice). Stripe is then asked for exactly the amount due, and the ledger records
// exactly what the card paid — nothing collected that the ledger does not show, nothing left
// outstanding. An amount due under a cent is waived whole and the invoice is paid.
//
// Waived at month close (the invoice just drafted, after the credits on hand paid what they could,
// and any older draft not sent yet) and by the sender right before it sends a draft (send-invoice.ts),
// each under the account's row lock. Only drafts never sent to Stripe qualify: an open invoice's
// amount is Stripe's already. The ledger keeps its rule (ledger-effects.ts) — two entries, keyed by
// the invoice and what had been paid of it, so a replay posts nothing twice:
//
//   adjustment       amountMicros +X                                  (the waiver brings X in)
//   invoice_payment  amountMicros −X  creditMicros X  invoiceMicros 0 (which pays that part)
//
// so the credit balance, monthly and historical spend do not move (nobody paid X), and every
// invoice's payments still add up to its total.
import { notify } from "../alerts/notify";
import { usdString } from "../money";
import { centFraction } from "./amounts";
import { invoiceTransition } from "./invoice-states";
import type { Tx } from "./lock-account";
import { periodLabel } from "./period";
import { postLedgerEntry } from "./post-ledger-entry";

export interface WaivedFraction {
  invoiceId: string;
  waivedMicros: bigint;
  /** Nothing was left to charge: the invoice is paid. */
  paid: boolean;
}

/** Call with the account locked. `onlyInvoiceId`: just this invoice (the one just drafted, or being sent). */
export async function waiveCentFractions(tx: Tx, accountId: string, at: Date, onlyInvoiceId?: string): Promise<WaivedFraction[]> {
  const drafts = await tx.invoice.findMany({
    where: { accountId, status: "draft", stripeInvoiceId: null, ...(onlyInvoiceId ? { id: onlyInvoiceId } : {}) },
    orderBy: [{ period: "asc" }, { createdAt: "asc" }],
    select: { id: true, period: true, status: true, totalMicros: true, paidMicros: true },
  });
  const waived: WaivedFraction[] = [];
  for (const invoice of drafts) {
    const due = invoice.totalMicros - invoice.paidMicros;
    const fraction = centFraction(due);
    if (fraction === 0n) continue;
    const label = periodLabel(invoice.period);
    const paid = fraction === due;
    // The key names the state it applies to (what had been paid): once per state, however often run.
    const key = `${invoice.id}:${invoice.paidMicros}`;
    const adjusted = await postLedgerEntry(tx, {
      accountId,
      kind: "adjustment",
      amountMicros: fraction,
      invoiceId: invoice.id,
      idempotencyKey: `invoice-waiver:${key}`,
      description: `Invoice ${label}: $${usdString(fraction)} waived (a card is charged whole cents)`,
      at,
    });
    if (!adjusted.posted) continue;
    await postLedgerEntry(tx, {
      accountId,
      kind: "invoice_payment",
      amountMicros: -fraction,
      creditMicros: fraction,
      invoiceId: invoice.id,
      idempotencyKey: `invoice-payment:waiver:${key}`,
      description: paid ? `Invoice ${label} paid: $${usdString(fraction)} waived` : `Invoice ${label}: $${usdString(fraction)} waived`,
      at,
    });
    await tx.invoice.update({
      where: { id: invoice.id },
      data: paid
        ? { paidMicros: invoice.totalMicros, status: invoiceTransition(invoice.status, "pay").to, paidAt: at }
        : { paidMicros: { increment: fraction } },
    });
    if (paid) {
      await notify(tx, {
        accountId,
        kind: "invoice_paid",
        title: `Invoice ${label} paid`,
        body: `$${usdString(invoice.totalMicros)} — the remaining $${usdString(fraction)} is less than a cent, which cannot be charged to a card: it is waived.`,
        dedupeKey: `invoice:${invoice.id}:paid`,
      });
    }
    waived.push({ invoiceId: invoice.id, waivedMicros: fraction, paid });
  }
  return waived;
}
