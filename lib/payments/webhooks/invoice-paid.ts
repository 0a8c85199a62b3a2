// invoice.paid: the card (or the owner on the hosted page) paid the invoice → paid, historical
// spend, maybe a tier up; `payment_failed` lifts when no failed invoice is left (SPEC §5). A late
// invoice.paid for an old invoice changes that invoice only, never a newer one's failure.
// An invoice.paid that finds the invoice already paid from credits, for money Stripe collected
// by card, means the customer paid twice: the credits go back (record-card-payment-after-credits.ts).
import { markInvoicePaid } from "../../billing/mark-invoice-paid";
import { recordCardPaymentAfterCredits } from "../../billing/record-card-payment-after-credits";
import { cardCollectedCents } from "../invoices/card-collected";
import { invoiceOutcome } from "./invoice-outcome";
import { invoiceRefOf } from "./lookup";
import type { WebhookHandler } from "./types";

export const invoicePaid: WebhookHandler<"invoice.paid"> = {
  async apply(event) {
    const ref = invoiceRefOf(event.data.object);
    if (!ref) return { result: "ignored", accountId: null, note: "invoice without id" };
    const outcome = invoiceOutcome(await markInvoicePaid(ref, { eventCreated: event.created }), "markInvoicePaid");
    if (outcome.result !== "duplicate") return outcome;
    const returned = await recordCardPaymentAfterCredits(ref, cardCollectedCents(event.data.object));
    if (returned.outcome !== "returned") return outcome;
    return {
      result: "applied",
      accountId: returned.accountId,
      note: `invoice ${returned.invoiceId} was collected by card after credits paid it: credits returned`,
    };
  },
};
