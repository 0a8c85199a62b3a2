// /v1/setup_intents — save a card for later off-session use: create (optionally confirm=true),
// confirm, cancel, retrieve, list. Checkout in setup mode uses the same SetupIntents.
import type Stripe from "stripe";
import type { Emulator } from "../core/emulator";
import { cardError, invalidRequest, noSuch } from "../core/errors";
import { newestFirst, paginate } from "../core/lists";
import { applyMetadata } from "../core/params";
import { snapshot } from "../core/state";
import type { ApiHandler, Route } from "../http/router";
import { resolvePaymentMethod } from "../payments/payment-methods";
import { confirmSetupIntent, createSetupIntent } from "../payments/setup-intents";
import { idOf, requireCustomer } from "../core/lookup";

function requireSetupIntent(emu: Emulator, id: string): Stripe.SetupIntent {
  const si = emu.state.setupIntents[id];
  if (!si) throw noSuch("setupintent", id);
  return si;
}

function confirmOrThrow(
  emu: Emulator,
  si: Stripe.SetupIntent,
  pm: Stripe.PaymentMethod,
  req: Parameters<ApiHandler>[1],
): Stripe.SetupIntent {
  const owner = idOf(pm.customer);
  if (owner !== null && owner !== idOf(si.customer)) {
    throw invalidRequest("The payment method you provided has already been attached to a customer.", {
      param: "payment_method",
      code: "payment_method_unexpected_state",
    });
  }
  const outcome = confirmSetupIntent(emu, si, pm, req.origin);
  if (!outcome.ok) {
    const error = si.last_setup_error;
    throw cardError(
      { code: error?.code ?? "card_declined", declineCode: error?.decline_code, message: outcome.message },
      { setup_intent: snapshot(si), payment_method: snapshot(pm) },
    );
  }
  return outcome.setupIntent;
}

const create: ApiHandler = (emu, req) => {
  const p = req.params;
  const customer = p.optionalId("customer") ?? null;
  if (customer) requireCustomer(emu, customer, "customer");
  const usage = p.enumOf("usage", ["off_session", "on_session"] as const) ?? "off_session";
  const confirm = p.bool("confirm") ?? false;
  const metadata = applyMetadata({}, p.metadata());
  const description = p.nullableString("description") ?? null;
  const pmId = p.optionalId("payment_method");
  const pm = pmId ? resolvePaymentMethod(emu, pmId, "payment_method") : undefined;
  if (confirm && !pm) {
    throw invalidRequest("You cannot confirm this SetupIntent because it's missing a payment method.", {
      code: "setup_intent_unexpected_state",
    });
  }
  const si = createSetupIntent(emu, { customer, metadata, description }, req.origin);
  si.usage = usage;
  if (pm && !confirm) {
    si.payment_method = pm.id;
    si.status = "requires_confirmation";
  }
  return confirm && pm ? confirmOrThrow(emu, si, pm, req) : si;
};

const confirm: ApiHandler = (emu, req) => {
  const si = requireSetupIntent(emu, req.pathParams.id ?? "");
  if (si.status !== "requires_payment_method" && si.status !== "requires_confirmation") {
    throw invalidRequest(`You cannot confirm this SetupIntent because it has a status of ${si.status}.`, {
      code: "setup_intent_unexpected_state",
    });
  }
  const pmId = req.params.optionalId("payment_method") ?? idOf(si.payment_method) ?? undefined;
  if (!pmId) {
    throw invalidRequest("You cannot confirm this SetupIntent because it's missing a payment method.", {
      code: "setup_intent_unexpected_state",
    });
  }
  return confirmOrThrow(emu, si, resolvePaymentMethod(emu, pmId, "payment_method"), req);
};

const cancel: ApiHandler = (emu, req) => {
  const si = requireSetupIntent(emu, req.pathParams.id ?? "");
  if (si.status === "succeeded" || si.status === "canceled") {
    throw invalidRequest(`You cannot cancel this SetupIntent because it has a status of ${si.status}.`, {
      code: "setup_intent_unexpected_state",
    });
  }
  si.status = "canceled";
  si.cancellation_reason =
    req.params.enumOf("cancellation_reason", ["abandoned", "duplicate", "requested_by_customer"] as const) ?? "requested_by_customer";
  emu.emit("setup_intent.canceled", si, req.origin);
  return si;
};

const retrieve: ApiHandler = (emu, req) => requireSetupIntent(emu, req.pathParams.id ?? "");

const list: ApiHandler = (emu, req) => {
  const p = req.params;
  const customer = p.optionalId("customer");
  const paymentMethod = p.optionalId("payment_method");
  const items = newestFirst(emu.state.setupIntents).filter(
    (si) =>
      (customer === undefined || idOf(si.customer) === customer) &&
      (paymentMethod === undefined || idOf(si.payment_method) === paymentMethod),
  );
  return paginate(items, p, "/v1/setup_intents", "setupintent");
};

export const setupIntentRoutes: Route<ApiHandler>[] = [
  { method: "POST", pattern: "/v1/setup_intents", handler: create },
  { method: "GET", pattern: "/v1/setup_intents", handler: list },
  { method: "GET", pattern: "/v1/setup_intents/:id", handler: retrieve },
  { method: "POST", pattern: "/v1/setup_intents/:id/confirm", handler: confirm },
  { method: "POST", pattern: "/v1/setup_intents/:id/cancel", handler: cancel },
];
