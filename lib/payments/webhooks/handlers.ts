// The dispatch table: Stripe event type → its handler (one file each). Types not listed here are
// acknowledged with 2xx and otherwise ignored.
import { chargeRefunded } from "./charge-refunded";
import { checkoutSessionAsyncPaymentSucceeded } from "./checkout-session-async-payment-succeeded";
import { checkoutSessionCompleted } from "./checkout-session-completed";
import { invoiceFinalized } from "./invoice-finalized";
import { invoicePaid } from "./invoice-paid";
import { invoicePaymentFailed } from "./invoice-payment-failed";
import { invoiceVoided } from "./invoice-voided";
import { paymentIntentPaymentFailed } from "./payment-intent-payment-failed";
import { paymentIntentSucceeded } from "./payment-intent-succeeded";
import { paymentMethodAttached } from "./payment-method-attached";
import { paymentMethodDetached } from "./payment-method-detached";
import { chargeRefundUpdated, refundUpdated } from "./refund-updated";
import { setupIntentSucceeded } from "./setup-intent-succeeded";
import type { HandledEventType, WebhookHandlers } from "./types";

export const WEBHOOK_HANDLERS: WebhookHandlers = {
  "checkout.session.completed": checkoutSessionCompleted,
  "checkout.session.async_payment_succeeded": checkoutSessionAsyncPaymentSucceeded,
  "setup_intent.succeeded": setupIntentSucceeded,
  "payment_method.attached": paymentMethodAttached,
  "payment_method.detached": paymentMethodDetached,
  "invoice.finalized": invoiceFinalized,
  "invoice.paid": invoicePaid,
  "invoice.payment_failed": invoicePaymentFailed,
  "invoice.voided": invoiceVoided,
  "charge.refunded": chargeRefunded,
  "refund.updated": refundUpdated,
  "charge.refund.updated": chargeRefundUpdated,
  "payment_intent.succeeded": paymentIntentSucceeded,
  "payment_intent.payment_failed": paymentIntentPaymentFailed,
};

export function isHandled(type: string): type is HandledEventType {
  return Object.hasOwn(WEBHOOK_HANDLERS, type);
}
