// New credits first pay any open or failed invoice balance, oldest first (SPEC §4). Runs inside
// the granting transaction, after the credit entry: each payment is an `invoice_payment` ledger
// entry drawing on credits (not historical spend — the purchase already counted), and a fully
// paid invoice moves to `paid`, which lets syncSuspension lift `payment_failed` when it was the last.
//
// Open and failed invoices are paid from credits only in WHOLE: they already exist in Stripe for
// their full amount, and a partial credit payment would let the hosted invoice page collect the
// same money a second time. An invoice the balance cannot cover is skipped (a newer, smaller one
// may still be paid). A draft (month close, not yet sent to Stripe) may be paid in part: Stripe is
// then asked for total − paidMicros only.
//
// New credits also pay a draft whose amount due is under the minimum card charge ($0.50,
// belowMinimumCharge), in part or whole: the sender never sends one (Stripe would not charge it),
// so it is in no Stripe invoice that could collect it too. Left unpaid, the next month close carries
// it into its invoice (carry-small-invoices.ts); credits settle it as soon as they come. Other drafts are left to the sender: paying one while it is being sent would change the
// amount under a Stripe invoice already created for the old one.
import { notify } from "../alerts/notify";
import { minBig, usdString } from "../money";
import { belowMinimumCharge } from "./amounts";
import { invoiceTransition, OPEN_BALANCE_STATES } from "./invoice-states";
import type { Tx } from "./lock-account";
import { periodLabel } from "./period";
import { postLedgerEntry } from "./post-ledger-entry";

export interface InvoicePaidFromCredits {
  invoiceId: string;
  /** The Stripe invoice the payments side must settle out of band (or void) when fully paid. */
  stripeInvoiceId: string | null;
  amountMicros: bigint;
  fullyPaid: boolean;
}

/**
 * `sourceKey` names what pays (the credit entry id, or "close" at month close) and makes each
 * payment's ledger key unique and replay-safe. `onlyInvoiceId`: pay just this invoice (month
 * close applies the credits on hand to the invoice it just drafted).
 */
export async function payInvoicesFromCredits(
  tx: Tx,
  accountId: string,
  sourceKey: string,
  at: Date,
  onlyInvoiceId?: string,
): Promise<InvoicePaidFromCredits[]> {
  const candidates = await tx.invoice.findMany({
    where: onlyInvoiceId
      ? { id: onlyInvoiceId, accountId }
      : { accountId, OR: [{ status: { in: [...OPEN_BALANCE_STATES] } }, { status: "draft", stripeInvoiceId: null }] },
    orderBy: [{ period: "asc" }, { createdAt: "asc" }],
    select: { id: true, period: true, status: true, totalMicros: true, paidMicros: true, stripeInvoiceId: true },
  });
  const invoices = onlyInvoiceId
    ? candidates
    : candidates.filter((i) => i.status !== "draft" || belowMinimumCharge(i.totalMicros - i.paidMicros));
  const paid: InvoicePaidFromCredits[] = [];
  for (const invoice of invoices) {
    const { creditBalanceMicros: balance } = await tx.account.findUniqueOrThrow({
      where: { id: accountId },
      select: { creditBalanceMicros: true },
    });
    if (balance <= 0n) break;
    const due = invoice.totalMicros - invoice.paidMicros;
    if (due <= 0n || invoiceTransition(invoice.status, "pay").outcome !== "applied") continue;
    if (invoice.status !== "draft" && balance < due) continue;
    const amount = minBig(due, balance);
    const posted = await postLedgerEntry(tx, {
      accountId,
      kind: "invoice_payment",
      amountMicros: -amount,
      creditMicros: amount,
      idempotencyKey: `invoice-payment:credits:${invoice.id}:${sourceKey}`,
      description: `Invoice ${periodLabel(invoice.period)} paid from credits`,
      invoiceId: invoice.id,
      at,
    });
    if (!posted.posted) continue;
    const fullyPaid = amount === due;
    const to = fullyPaid ? invoiceTransition(invoice.status, "pay").to : invoice.status;
    await tx.invoice.update({
      where: { id: invoice.id },
      data: { paidMicros: { increment: amount }, ...(fullyPaid ? { status: to, paidAt: at } : {}) },
    });
    if (fullyPaid) {
      await notify(tx, {
        accountId,
        kind: "invoice_paid",
        title: `Invoice ${periodLabel(invoice.period)} paid`,
        body: `$${usdString(invoice.totalMicros)} — the remaining $${usdString(amount)} was paid from your credits.`,
        dedupeKey: `invoice:${invoice.id}:paid`,
      });
    }
    paid.push({ invoiceId: invoice.id, stripeInvoiceId: invoice.stripeInvoiceId, amountMicros: amount, fullyPaid });
  }
  return paid;
}
