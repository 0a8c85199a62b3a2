// charge.refunded: money for a credit purchase went back to the card → the credits are taken back
// (apply-refunds.ts), once per Stripe refund id; a charge refunded twice in parts sends this event
// twice, each listing every refund so far. A refund still pending is applied by its refund.updated.
import type Stripe from "stripe";
import { applyRefunds, refundsOf } from "./apply-refunds";
import type { WebhookHandler } from "./types";

export const chargeRefunded: WebhookHandler<"charge.refunded", Stripe.Refund[]> = {
  prepare: (event) => refundsOf(event.data.object.id),
  apply: (event, refunds) => applyRefunds(event.data.object, refunds),
};
