// What happens when a customer submits the hosted Checkout page, and when a session expires.
import type Stripe from "stripe";
import { NO_REQUEST, type Emulator, type RequestOrigin } from "../core/emulator";
import { idOf } from "../core/lookup";
import { createCardPaymentMethod } from "./payment-methods";
import { confirmPaymentIntent, createPaymentIntent } from "./payment-intents";
import { confirmSetupIntent } from "./setup-intents";
import type { TestCard } from "./test-cards";

export interface CheckoutSubmission {
  card: TestCard;
  expMonth: number;
  expYear: number;
  name: string | null;
  email: string | null;
}

export type CheckoutOutcome = { ok: true; session: Stripe.Checkout.Session } | { ok: false; message: string };

function customerDetails(
  emu: Emulator,
  session: Stripe.Checkout.Session,
  input: CheckoutSubmission,
): Stripe.Checkout.Session.CustomerDetails {
  const customerId = idOf(session.customer);
  const customer = customerId ? emu.state.customers[customerId] : undefined;
  const known = customer && !customer.deleted ? customer : undefined;
  return {
    address: null,
    business_name: null,
    email: known?.email ?? input.email ?? session.customer_email,
    individual_name: null,
    name: input.name ?? known?.name ?? null,
    phone: null,
    tax_exempt: "none",
    tax_ids: [],
  };
}

/**
 * Payment mode: a PaymentIntent (created on the first attempt, reused on retries) is confirmed
 * with the card; a decline leaves the session open. Setup mode: the session's SetupIntent saves
 * the card to the customer. On success the session completes (`checkout.session.completed`).
 */
export function completeCheckout(emu: Emulator, session: Stripe.Checkout.Session, input: CheckoutSubmission): CheckoutOutcome {
  const origin = NO_REQUEST;
  const extras = emu.state.checkoutExtras[session.id];
  const pm = createCardPaymentMethod(emu, input.card, {
    expMonth: input.expMonth,
    expYear: input.expYear,
    billing: { name: input.name, email: input.email },
  });
  if (session.mode === "payment") {
    const existing = idOf(session.payment_intent);
    const pi =
      (existing ? emu.state.paymentIntents[existing] : undefined) ??
      createPaymentIntent(
        emu,
        {
          amount: session.amount_total ?? 0,
          currency: session.currency ?? "usd",
          customer: idOf(session.customer),
          description: extras?.paymentIntentData.description ?? null,
          metadata: { ...(extras?.paymentIntentData.metadata ?? {}) },
          setupFutureUsage: extras?.paymentIntentData.setupFutureUsage ?? null,
          receiptEmail: extras?.paymentIntentData.receiptEmail ?? null,
        },
        origin,
      );
    session.payment_intent = pi.id;
    const outcome = confirmPaymentIntent(emu, pi, pm, origin);
    if (!outcome.ok) return { ok: false, message: outcome.decline.message };
    session.payment_status = "paid";
  } else {
    const siId = idOf(session.setup_intent);
    const si = siId ? emu.state.setupIntents[siId] : undefined;
    if (!si) return { ok: false, message: "This Checkout Session has no SetupIntent." };
    const outcome = confirmSetupIntent(emu, si, pm, origin);
    if (!outcome.ok) return { ok: false, message: outcome.message };
  }
  session.status = "complete";
  session.customer_details = customerDetails(emu, session, input);
  session.url = null;
  emu.emit("checkout.session.completed", session, origin);
  return { ok: true, session };
}

export function expireCheckoutSession(emu: Emulator, session: Stripe.Checkout.Session, origin: RequestOrigin): Stripe.Checkout.Session {
  session.status = "expired";
  session.url = null;
  const piId = idOf(session.payment_intent);
  const pi = piId ? emu.state.paymentIntents[piId] : undefined;
  if (pi && pi.status !== "succeeded" && pi.status !== "canceled") {
    pi.status = "canceled";
    pi.canceled_at = emu.clock.now();
    pi.cancellation_reason = "abandoned";
  }
  const siId = idOf(session.setup_intent);
  const si = siId ? emu.state.setupIntents[siId] : undefined;
  if (si && si.status !== "succeeded") {
    si.status = "canceled";
    si.cancellation_reason = "abandoned";
  }
  emu.emit("checkout.session.expired", session, origin);
  return session;
}

/** Expires open sessions whose `expires_at` has passed (run periodically and on clock advance). */
export function expireDueCheckoutSessions(emu: Emulator): number {
  const now = emu.clock.now();
  let count = 0;
  for (const session of Object.values(emu.state.checkoutSessions)) {
    if (session.status === "open" && session.expires_at <= now) {
      expireCheckoutSession(emu, session, NO_REQUEST);
      count++;
    }
  }
  return count;
}
