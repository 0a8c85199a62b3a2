// invoice.finalized: Stripe numbered the invoice and gave it a hosted page → our invoice is open
// (draft → open) with its Stripe id and page. The sender records this itself right after
// finalizing; the event covers a sender that stopped in between. Never re-opens a failed/paid invoice.
import { markInvoiceOpen } from "../../billing/mark-invoice-open";
import { invoiceOutcome } from "./invoice-outcome";
import { invoiceRefOf } from "./lookup";
import type { WebhookHandler } from "./types";

export const invoiceFinalized: WebhookHandler<"invoice.finalized"> = {
  async apply(event) {
    const invoice = event.data.object;
    const ref = invoiceRefOf(invoice);
    if (!ref || !invoice.id || !invoice.hosted_invoice_url) return { result: "ignored", accountId: null, note: "no hosted page" };
    const result = await markInvoiceOpen(ref, {
      stripeInvoiceId: invoice.id,
      hostedUrl: invoice.hosted_invoice_url,
      eventCreated: event.created,
    });
    return invoiceOutcome(result, "markInvoiceOpen");
  },
};
