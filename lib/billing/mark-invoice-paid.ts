// Stripe says the invoice is paid (`invoice.paid`). The card paid what credits had not
// (total − paidMicros): that part is an `invoice_payment` entry and counts as historical spend, so
// the tier may go up; then suspension is re-derived in the same transaction — `payment_failed`
// lifts only when no failed invoice is left (SPEC §5). `paid` is final: a duplicate is a no-op and
// a late `payment_failed` afterwards is ignored (invoice-states.ts).
import { notify } from "../alerts/notify";
import { usdString } from "../money";
import { applyTierUpgrade } from "./apply-tier-upgrade";
import { applyInvoiceEvent, eventTime, INVALID_REF, refIsValid, type InvoiceEventResult, type InvoiceRef } from "./find-invoice";
import { periodLabel } from "./period";
import { postLedgerEntry } from "./post-ledger-entry";
import { externalPaymentKey } from "./record-card-payment-after-credits";

export async function markInvoicePaid(
  ref: InvoiceRef,
  opts: { paidAt?: Date; eventCreated?: number; now?: Date } = {},
): Promise<InvoiceEventResult> {
  if (!refIsValid(ref)) return INVALID_REF;
  const at = eventTime(opts.paidAt, opts.eventCreated);
  if (!at) return { ok: false, reason: "invalid_input", message: "paidAt/eventCreated: must be a valid time" };
  return applyInvoiceEvent(ref, "pay", opts.now, async (tx, invoice, t) => {
    if (t.outcome === "applied") {
      const byCard = invoice.totalMicros - invoice.paidMicros;
      if (byCard > 0n) {
        await postLedgerEntry(tx, {
          accountId: invoice.accountId,
          kind: "invoice_payment",
          amountMicros: 0n,
          invoiceMicros: byCard,
          historicalMicros: byCard,
          invoiceId: invoice.id,
          idempotencyKey: externalPaymentKey(invoice.id),
          description: `Invoice ${periodLabel(invoice.period)} paid`,
          at,
        });
      }
      await tx.invoice.update({ where: { id: invoice.id }, data: { status: "paid", paidMicros: invoice.totalMicros, paidAt: at } });
      await tx.auditLog.create({
        data: {
          accountId: invoice.accountId,
          action: "invoice.paid",
          detail: { invoiceId: invoice.id, from: invoice.status, paidUsd: usdString(byCard), eventCreated: opts.eventCreated ?? null },
        },
      });
      await notify(tx, {
        accountId: invoice.accountId,
        kind: "invoice_paid",
        title: `Invoice ${periodLabel(invoice.period)} paid`,
        body: `$${usdString(invoice.totalMicros)} — thank you.`,
        dedupeKey: `invoice:${invoice.id}:paid`,
      });
      await applyTierUpgrade(tx, invoice.accountId, opts.now);
    }
  });
}
