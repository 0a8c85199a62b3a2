// Stripe could not collect the invoice (`invoice.payment_failed`): open/draft → failed, and the
// account is suspended for `payment_failed` in the same transaction (SPEC §5). Repeated failures
// (Stripe retries) keep the newest failure time; a failure reported after the invoice was paid or
// voided is late and ignored.
import { notify } from "../alerts/notify";
import { usdString } from "../money";
import { applyInvoiceEvent, eventTime, INVALID_REF, refIsValid, type InvoiceEventResult, type InvoiceRef } from "./find-invoice";
import { periodLabel } from "./period";

export async function markInvoiceFailed(
  ref: InvoiceRef,
  opts: { failedAt?: Date; eventCreated?: number; message?: string; now?: Date } = {},
): Promise<InvoiceEventResult> {
  if (!refIsValid(ref)) return INVALID_REF;
  const at = eventTime(opts.failedAt, opts.eventCreated);
  if (!at) return { ok: false, reason: "invalid_input", message: "failedAt/eventCreated: must be a valid time" };
  return applyInvoiceEvent(ref, "fail", opts.now, async (tx, invoice, t) => {
    if (t.outcome === "applied") {
      await tx.invoice.update({ where: { id: invoice.id }, data: { status: "failed", failedAt: at } });
      await tx.auditLog.create({
        data: {
          accountId: invoice.accountId,
          action: "invoice.failed",
          detail: { invoiceId: invoice.id, from: invoice.status, message: opts.message ?? null, eventCreated: opts.eventCreated ?? null },
        },
      });
      await notify(tx, {
        accountId: invoice.accountId,
        kind: "invoice_failed",
        title: `Payment of invoice ${periodLabel(invoice.period)} failed`,
        body: `We could not charge $${usdString(invoice.totalMicros - invoice.paidMicros)}. Pay it on the Invoices page to keep your account active.`,
        dedupeKey: `invoice:${invoice.id}:failed`,
      });
    } else if (t.outcome === "duplicate" && (!invoice.failedAt || invoice.failedAt < at)) {
      await tx.invoice.update({ where: { id: invoice.id }, data: { failedAt: at } });
    }
  });
}
