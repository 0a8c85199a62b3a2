// What Stripe collected for an invoice through a payment (a card), leaving out what was marked paid
// out of band (our own settlement of an invoice that credits paid), in cents.
import type Stripe from "stripe";

export function cardCollectedCents(invoice: Pick<Stripe.Invoice, "amount_paid" | "amount_paid_off_stripe">): bigint {
  const collected = BigInt(invoice.amount_paid ?? 0) - BigInt(invoice.amount_paid_off_stripe ?? 0);
  return collected > 0n ? collected : 0n;
}
