// invoice.voided: the invoice was cancelled in Stripe → void here too (final); a voided failed
// invoice no longer counts for `payment_failed`.
import { voidInvoice } from "../../billing/void-invoice";
import { invoiceOutcome } from "./invoice-outcome";
import { invoiceRefOf } from "./lookup";
import type { WebhookHandler } from "./types";

export const invoiceVoided: WebhookHandler<"invoice.voided"> = {
  async apply(event) {
    const ref = invoiceRefOf(event.data.object);
    if (!ref) return { result: "ignored", accountId: null, note: "invoice without id" };
    return invoiceOutcome(await voidInvoice(ref, { eventCreated: event.created, note: "voided in Stripe" }), "voidInvoice");
  },
};
