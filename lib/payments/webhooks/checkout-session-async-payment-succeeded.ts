// checkout.session.async_payment_succeeded: a delayed payment method paid after the session
// completed. Same effect and key as checkout.session.completed (so one grant between them).
import { applyCompletedSession, prepareSession, type PreparedSession } from "./checkout-session-completed";
import type { WebhookHandler } from "./types";

export const checkoutSessionAsyncPaymentSucceeded: WebhookHandler<"checkout.session.async_payment_succeeded", PreparedSession> = {
  prepare: (event) => prepareSession(event.data.object, event.created),
  apply: (event, prepared) => applyCompletedSession(event, prepared),
};
