// Month close waives what Stripe cannot charge (SPEC §2, §4). An invoice whose amount due is under
// half a cent rounds to 0 cents, so the sender never sends it to Stripe (tooSmallToCharge) — and,
// left `draft`, it would stay unpaid for ever unless credits happened to arrive. So at month close,
// after the credits on hand have paid what they can, such a remainder is waived and the invoice
// marked paid: the same rounding every sent invoice gets (its total is charged rounded to the cent),
// in the customer's favour, at most half a cent per account and month. Stripe does alike: an amount
// below what it can charge is not collected, the invoice is marked paid.
//
// Only invoices never sent to Stripe (draft, no Stripe invoice) qualify, so nothing can also collect
// them. The ledger keeps its rule (ledger-effects.ts) — two entries under the invoice's natural keys:
//
//   adjustment       amountMicros +X                                  (the waiver brings X in)
//   invoice_payment  amountMicros −X  creditMicros X  invoiceMicros 0 (which pays the invoice)
//
// so the credit balance, monthly and historical spend do not move (nobody paid X), and every
// invoice's payments still add up to its total.
import { notify } from "../alerts/notify";
import { usdString } from "../money";
import { tooSmallToCharge } from "./amounts";
import { invoiceTransition } from "./invoice-states";
import type { Tx } from "./lock-account";
import { periodLabel } from "./period";
import { postLedgerEntry } from "./post-ledger-entry";

export interface WaivedInvoice {
  invoiceId: string;
  waivedMicros: bigint;
}

/** Call with the account locked. `onlyInvoiceId`: just this invoice (the one month close has just drafted). */
export async function waiveSubCentInvoices(tx: Tx, accountId: string, at: Date, onlyInvoiceId?: string): Promise<WaivedInvoice[]> {
  const drafts = await tx.invoice.findMany({
    where: { accountId, status: "draft", stripeInvoiceId: null, ...(onlyInvoiceId ? { id: onlyInvoiceId } : {}) },
    orderBy: [{ period: "asc" }, { createdAt: "asc" }],
    select: { id: true, period: true, status: true, totalMicros: true, paidMicros: true },
  });
  const waived: WaivedInvoice[] = [];
  for (const invoice of drafts) {
    const due = invoice.totalMicros - invoice.paidMicros;
    if (!tooSmallToCharge(due)) continue;
    const label = periodLabel(invoice.period);
    const adjusted = await postLedgerEntry(tx, {
      accountId,
      kind: "adjustment",
      amountMicros: due,
      invoiceId: invoice.id,
      idempotencyKey: `invoice-waiver:${invoice.id}`,
      description: `Invoice ${label}: $${usdString(due)} waived (less than a cent cannot be charged)`,
      at,
    });
    if (!adjusted.posted) continue;
    await postLedgerEntry(tx, {
      accountId,
      kind: "invoice_payment",
      amountMicros: -due,
      creditMicros: due,
      invoiceId: invoice.id,
      idempotencyKey: `invoice-payment:waiver:${invoice.id}`,
      description: `Invoice ${label} paid: $${usdString(due)} waived`,
      at,
    });
    await tx.invoice.update({
      where: { id: invoice.id },
      data: { paidMicros: invoice.totalMicros, status: invoiceTransition(invoice.status, "pay").to, paidAt: at },
    });
    await notify(tx, {
      accountId,
      kind: "invoice_paid",
      title: `Invoice ${label} paid`,
      body: `$${usdString(invoice.totalMicros)} — the remaining $${usdString(due)} is less than a cent, which cannot be charged to a card: it is waived.`,
      dedupeKey: `invoice:${invoice.id}:paid`,
    });
    waived.push({ invoiceId: invoice.id, waivedMicros: due });
  }
  return waived;
}
