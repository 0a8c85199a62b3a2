// checkout.session.async_payment_succeeded: a delayed payment method paid after the session
// completed. Same effect and key as checkout.session.completed (so one grant between them).
import { handleCompletedSession } from "./checkout-session-completed";
import type { WebhookHandler } from "./types";

export const checkoutSessionAsyncPaymentSucceeded: WebhookHandler<"checkout.session.async_payment_succeeded"> = (event) =>
  handleCompletedSession(event.data.object, event.created);
