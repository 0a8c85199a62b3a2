// /v1/payment_intents — create (optionally `confirm=true&off_session=true` to charge a saved
// card, as auto top-up does), retrieve, update, confirm, cancel, list.
import type Stripe from "stripe";
import type { Emulator, RequestOrigin } from "../core/emulator";
import { cardError, invalidRequest } from "../core/errors";
import { createdFilter, newestFirst, paginate } from "../core/lists";
import { applyMetadata } from "../core/params";
import { assertCurrency, assertMinimumCharge } from "../core/money";
import { snapshot } from "../core/state";
import type { ApiHandler, Route } from "../http/router";
import { cancelPaymentIntent, confirmPaymentIntent, createPaymentIntent } from "../payments/payment-intents";
import { resolvePaymentMethod } from "../payments/payment-methods";
import { idOf, requireCustomer, requirePaymentIntent } from "../core/lookup";

const SETUP_FUTURE_USAGE = ["off_session", "on_session"] as const;
const CANCELABLE: Stripe.PaymentIntent.Status[] = [
  "requires_payment_method",
  "requires_capture",
  "requires_confirmation",
  "requires_action",
  "processing",
];

function assertUsableBy(pm: Stripe.PaymentMethod, customer: string | null): void {
  const owner = idOf(pm.customer);
  if (owner !== null && customer === null) {
    throw invalidRequest(
      `The PaymentMethod provided (${pm.id}) is attached to a Customer. You must pass that Customer (${owner}) with this request.`,
      { param: "payment_method" },
    );
  }
  if (owner !== null && owner !== customer) {
    throw invalidRequest(`The provided PaymentMethod (${pm.id}) belongs to a different Customer (${owner}).`, {
      param: "payment_method",
    });
  }
}

/** Confirms and turns a decline into Stripe's 402 card_error, which carries the PaymentIntent. */
function confirmOrThrow(emu: Emulator, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, origin: RequestOrigin): Stripe.PaymentIntent {
  const outcome = confirmPaymentIntent(emu, pi, pm, origin);
  if (!outcome.ok) {
    throw cardError(outcome.decline, {
      charge: outcome.charge.id,
      payment_intent: snapshot(outcome.paymentIntent),
      payment_method: snapshot(outcome.paymentMethod),
    });
  }
  return outcome.paymentIntent;
}

const create: ApiHandler = (emu, req) => {
  const p = req.params;
  const amount = p.requiredInt("amount", { min: 1 });
  const currency = assertCurrency(p.requiredString("currency"), "currency");
  assertMinimumCharge(amount, currency, "amount");
  const customerId = p.optionalId("customer") ?? null;
  if (customerId) requireCustomer(emu, customerId, "customer");
  const confirm = p.bool("confirm") ?? false;
  const offSession = p.bool("off_session");
  if (offSession !== undefined && !confirm) {
    throw invalidRequest("You can only pass `off_session` when `confirm` is true.", { param: "off_session" });
  }
  if (p.enumOf("capture_method", ["automatic", "automatic_async", "manual"] as const) === "manual") {
    throw invalidRequest("The Stripe emulator does not support capture_method=manual.", { param: "capture_method" });
  }
  const pmId = p.optionalId("payment_method");
  const pm = pmId ? resolvePaymentMethod(emu, pmId, "payment_method") : undefined;
  if (pm) assertUsableBy(pm, customerId);
  if (confirm && !pm) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a payment method, pass `payment_method`.",
      { code: "payment_intent_unexpected_state" },
    );
  }
  const pi = createPaymentIntent(
    emu,
    {
      amount,
      currency,
      customer: customerId,
      description: p.nullableString("description") ?? null,
      metadata: applyMetadata({}, p.metadata()),
      setupFutureUsage: p.enumOf("setup_future_usage", SETUP_FUTURE_USAGE) ?? null,
      receiptEmail: p.nullableString("receipt_email") ?? null,
      statementDescriptor: p.nullableString("statement_descriptor") ?? null,
    },
    req.origin,
  );
  if (pm && !confirm) {
    pi.payment_method = pm.id;
    pi.status = "requires_confirmation";
  }
  return confirm && pm ? confirmOrThrow(emu, pi, pm, req.origin) : pi;
};

const retrieve: ApiHandler = (emu, req) => requirePaymentIntent(emu, req.pathParams.id ?? "");

const update: ApiHandler = (emu, req) => {
  const pi = requirePaymentIntent(emu, req.pathParams.id ?? "");
  const p = req.params;
  const metadata = p.has("metadata") ? applyMetadata(pi.metadata, p.metadata()) : undefined;
  const description = p.nullableString("description");
  const receiptEmail = p.nullableString("receipt_email");
  const amount = p.int("amount", { min: 1 });
  if (amount !== undefined) {
    if (pi.status === "succeeded" || pi.status === "canceled") {
      throw invalidRequest(`You cannot update the amount of a PaymentIntent with status ${pi.status}.`, {
        param: "amount",
        code: "payment_intent_unexpected_state",
      });
    }
    assertMinimumCharge(amount, pi.currency, "amount");
    pi.amount = amount;
  }
  if (metadata) pi.metadata = metadata;
  if (description !== undefined) pi.description = description;
  if (receiptEmail !== undefined) pi.receipt_email = receiptEmail;
  return pi;
};

const confirm: ApiHandler = (emu, req) => {
  const pi = requirePaymentIntent(emu, req.pathParams.id ?? "");
  if (pi.status !== "requires_payment_method" && pi.status !== "requires_confirmation") {
    throw invalidRequest(`You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`, {
      code: "payment_intent_unexpected_state",
    });
  }
  const pmId = req.params.optionalId("payment_method") ?? idOf(pi.payment_method) ?? undefined;
  if (!pmId) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a payment method, pass `payment_method`.",
      { code: "payment_intent_unexpected_state" },
    );
  }
  const pm = resolvePaymentMethod(emu, pmId, "payment_method");
  assertUsableBy(pm, idOf(pi.customer));
  return confirmOrThrow(emu, pi, pm, req.origin);
};

const cancel: ApiHandler = (emu, req) => {
  const pi = requirePaymentIntent(emu, req.pathParams.id ?? "");
  if (!CANCELABLE.includes(pi.status)) {
    throw invalidRequest(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(", ")}.`,
      { code: "payment_intent_unexpected_state" },
    );
  }
  const reason =
    req.params.enumOf("cancellation_reason", ["duplicate", "fraudulent", "requested_by_customer", "abandoned"] as const) ??
    "requested_by_customer";
  return cancelPaymentIntent(emu, pi, reason, req.origin);
};

const list: ApiHandler = (emu, req) => {
  const p = req.params;
  const customer = p.optionalId("customer");
  const created = createdFilter(p);
  const items = newestFirst(emu.state.paymentIntents).filter(
    (pi) => created(pi.created) && (customer === undefined || idOf(pi.customer) === customer),
  );
  return paginate(items, p, "/v1/payment_intents", "payment_intent");
};

export const paymentIntentRoutes: Route<ApiHandler>[] = [
  { method: "POST", pattern: "/v1/payment_intents", handler: create },
  { method: "GET", pattern: "/v1/payment_intents", handler: list },
  { method: "GET", pattern: "/v1/payment_intents/:id", handler: retrieve },
  { method: "POST", pattern: "/v1/payment_intents/:id", handler: update },
  { method: "POST", pattern: "/v1/payment_intents/:id/confirm", handler: confirm },
  { method: "POST", pattern: "/v1/payment_intents/:id/cancel", handler: cancel },
];
