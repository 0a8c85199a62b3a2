// Month close carries invoices with less than the minimum card charge due into the invoice it has just
// drafted (SPEC §4; MINIMUM_CARD_CHARGE in amounts.ts). Such an invoice is never sent to Stripe — no
// card can be charged $0.30 — so it stays a draft, payable by credits bought meanwhile, until a month
// close has new usage to bill: that invoice takes it over as a line of its own ("Invoice 2026-10,
// carried forward …"), and is charged with it, once. An account is never suspended for it: it cannot
// fail, as it is never charged on its own. A close with nothing new to bill leaves it waiting (no
// invoice of a few cents every month); if the new invoice is itself still under the minimum, it is
// carried in its turn, so at most one such invoice is ever due.
//
// The ledger (ledger-effects.ts), for an amount D carried from invoice O into invoice N:
//
//   on O  adjustment      amountMicros +D                                    (carrying brings D in…)
//   on O  invoice_payment amountMicros −D  creditMicros D  invoiceMicros 0   (…which settles O)
//   on N  adjustment      amountMicros 0   invoiceMicros +D                  (N's total takes D over)
//
// so no balance moves when it is carried; D counts as historical spend once, when N is paid by card
// (or draws on credits once, when credits pay N). Every invoice's payments still add up to its total,
// and N's total is its charges' and carried amounts' invoiceMicros. Keys are the carried invoice's id.
import { usdString } from "../money";
import { belowMinimumCharge, MINIMUM_CARD_CHARGE } from "./amounts";
import { invoiceTransition } from "./invoice-states";
import type { Tx } from "./lock-account";
import { periodLabel } from "./period";
import { postLedgerEntry } from "./post-ledger-entry";

export interface CarriedInvoice {
  invoiceId: string;
  amountMicros: bigint;
}

/** Call with the account locked, before `into`'s total and `invoice` marker are written. */
export async function carrySmallInvoices(
  tx: Tx,
  accountId: string,
  into: { id: string; period: Date },
  at: Date,
): Promise<CarriedInvoice[]> {
  const drafts = await tx.invoice.findMany({
    where: { accountId, status: "draft", stripeInvoiceId: null, id: { not: into.id }, period: { lt: into.period } },
    orderBy: [{ period: "asc" }, { createdAt: "asc" }],
    select: { id: true, period: true, status: true, totalMicros: true, paidMicros: true },
  });
  const carried: CarriedInvoice[] = [];
  const intoLabel = periodLabel(into.period);
  for (const invoice of drafts) {
    const due = invoice.totalMicros - invoice.paidMicros;
    if (!belowMinimumCharge(due)) continue;
    const label = periodLabel(invoice.period);
    const moved = await postLedgerEntry(tx, {
      accountId,
      kind: "adjustment",
      amountMicros: due,
      invoiceId: invoice.id,
      idempotencyKey: `invoice-carry:${invoice.id}`,
      description: `Invoice ${label}: $${usdString(due)} carried to invoice ${intoLabel} (under the $${usdString(MINIMUM_CARD_CHARGE)} minimum card charge)`,
      at,
    });
    if (!moved.posted) continue;
    await postLedgerEntry(tx, {
      accountId,
      kind: "invoice_payment",
      amountMicros: -due,
      creditMicros: due,
      invoiceId: invoice.id,
      idempotencyKey: `invoice-payment:carried:${invoice.id}`,
      description: `Invoice ${label} settled: $${usdString(due)} carried to invoice ${intoLabel}`,
      at,
    });
    await postLedgerEntry(tx, {
      accountId,
      kind: "adjustment",
      amountMicros: 0n,
      invoiceMicros: due,
      invoiceId: into.id,
      idempotencyKey: `invoice-carried-in:${invoice.id}`,
      description: `Invoice ${intoLabel}: $${usdString(due)} carried from invoice ${label}`,
      at,
    });
    await tx.invoice.update({
      where: { id: invoice.id },
      data: { status: invoiceTransition(invoice.status, "pay").to, paidMicros: invoice.totalMicros, paidAt: at, carriedToId: into.id },
    });
    await tx.invoiceLine.create({
      data: {
        invoiceId: into.id,
        subject: `invoice:${invoice.id}`,
        description: `Invoice ${label}, carried forward (under the $${usdString(MINIMUM_CARD_CHARGE)} minimum card charge)`,
        quantity: 1n,
        unit: "invoice",
        amountMicros: due,
      },
    });
    carried.push({ invoiceId: invoice.id, amountMicros: due });
  }
  return carried;
}
