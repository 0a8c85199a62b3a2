// invoice.payment_failed: the card on file was declined → the invoice is failed and the account is
// suspended for `payment_failed` in the same transaction (SPEC §5). Ignored once the invoice is paid.
import { markInvoiceFailed } from "../../billing/mark-invoice-failed";
import { invoiceOutcome } from "./invoice-outcome";
import { invoiceRefOf } from "./lookup";
import type { WebhookHandler } from "./types";

export const invoicePaymentFailed: WebhookHandler<"invoice.payment_failed"> = {
  async apply(event) {
    const invoice = event.data.object;
    const ref = invoiceRefOf(invoice);
    if (!ref) return { result: "ignored", accountId: null, note: "invoice without id" };
    const result = await markInvoiceFailed(ref, {
      eventCreated: event.created,
      message: `Stripe could not charge the card on file (attempt ${invoice.attempt_count}).`,
    });
    return invoiceOutcome(result, "markInvoiceFailed");
  },
};
