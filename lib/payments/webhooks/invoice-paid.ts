// invoice.paid: the card (or the owner on the hosted page) paid the invoice → paid, historical
// spend, maybe a tier up; `payment_failed` lifts when no failed invoice is left (SPEC §5). A late
// invoice.paid for an old invoice changes that invoice only, never a newer one's failure.
import { markInvoicePaid } from "../../billing/mark-invoice-paid";
import { invoiceOutcome } from "./invoice-outcome";
import { invoiceRefOf } from "./lookup";
import type { WebhookHandler } from "./types";

export const invoicePaid: WebhookHandler<"invoice.paid"> = {
  async apply(event) {
    const ref = invoiceRefOf(event.data.object);
    if (!ref) return { result: "ignored", accountId: null, note: "invoice without id" };
    return invoiceOutcome(await markInvoicePaid(ref, { eventCreated: event.created }), "markInvoicePaid");
  },
};
