// /v1/payment_methods — create (from test tokens), retrieve, update, attach, detach, list.
import type Stripe from "stripe";
import type { Emulator } from "../core/emulator";
import { invalidRequest, missingParam } from "../core/errors";
import { newestFirst, paginate } from "../core/lists";
import { applyMetadata } from "../core/params";
import type { ApiHandler, Route } from "../http/router";
import { attachPaymentMethod, createCardPaymentMethod, detachPaymentMethod, resolvePaymentMethod } from "../payments/payment-methods";
import { testCardByShortcut } from "../payments/test-cards";
import { idOf, requireCustomer, requirePaymentMethodById } from "../core/lookup";

const RAW_CARD_NUMBERS_ERROR =
  "Sending credit card numbers directly to the Stripe API is generally unsafe. We suggest you use test tokens that map to the test card you are using, see https://docs.stripe.com/testing. To enable testing raw card data APIs, see https://support.stripe.com/questions/enabling-access-to-raw-card-data-apis.";

const create: ApiHandler = (emu, req) => {
  const p = req.params;
  p.requiredEnum("type", ["card"] as const);
  const card = p.object("card");
  if (!card) throw missingParam("card");
  if (card.has("number")) throw invalidRequest(RAW_CARD_NUMBERS_ERROR, { param: "card[number]" });
  const token = card.requiredString("token");
  const testCard = testCardByShortcut(token);
  if (!testCard) throw invalidRequest(`No such token: '${token}'`, { param: "card[token]", code: "resource_missing" });
  const billing = p.object("billing_details");
  const pm = createCardPaymentMethod(emu, testCard, {
    billing: { name: billing?.nullableString("name") ?? null, email: billing?.nullableString("email") ?? null },
    metadata: applyMetadata({}, p.metadata()),
  });
  return pm;
};

const retrieve: ApiHandler = (emu, req) => requirePaymentMethodById(emu, req.pathParams.id ?? "");

const update: ApiHandler = (emu, req) => {
  const pm = requirePaymentMethodById(emu, req.pathParams.id ?? "");
  const p = req.params;
  // Read everything first: an invalid request changes nothing.
  const metadata = p.has("metadata") ? applyMetadata(pm.metadata, p.metadata()) : undefined;
  const billing = p.object("billing_details");
  const name = billing?.nullableString("name");
  const email = billing?.nullableString("email");
  const card = p.object("card");
  const expMonth = card?.int("exp_month", { min: 1, max: 12 });
  const expYear = card?.int("exp_year");
  if (metadata) pm.metadata = metadata;
  if (name !== undefined) pm.billing_details.name = name;
  if (email !== undefined) pm.billing_details.email = email;
  if (pm.card) {
    pm.card.exp_month = expMonth ?? pm.card.exp_month;
    pm.card.exp_year = expYear ?? pm.card.exp_year;
  }
  emu.emit("payment_method.updated", pm, req.origin);
  return pm;
};

const attach: ApiHandler = (emu, req) => {
  const pm = resolvePaymentMethod(emu, req.pathParams.id ?? "", "id");
  const customer = req.params.requiredString("customer");
  return attachPaymentMethod(emu, pm, customer, req.origin);
};

const detach: ApiHandler = (emu, req) => detachPaymentMethod(emu, requirePaymentMethodById(emu, req.pathParams.id ?? ""), req.origin);

function listFor(emu: Emulator, customerId: string | undefined, type: string | undefined): Stripe.PaymentMethod[] {
  return newestFirst(emu.state.paymentMethods).filter(
    (pm) => (customerId === undefined || idOf(pm.customer) === customerId) && (type === undefined || pm.type === type),
  );
}

const list: ApiHandler = (emu, req) => {
  const p = req.params;
  const customer = p.optionalId("customer");
  if (customer) requireCustomer(emu, customer, "customer");
  const type = p.optionalId("type");
  return paginate(listFor(emu, customer, type), p, "/v1/payment_methods", "payment_method");
};

export const paymentMethodRoutes: Route<ApiHandler>[] = [
  { method: "POST", pattern: "/v1/payment_methods", handler: create },
  { method: "GET", pattern: "/v1/payment_methods", handler: list },
  { method: "GET", pattern: "/v1/payment_methods/:id", handler: retrieve },
  { method: "POST", pattern: "/v1/payment_methods/:id", handler: update },
  { method: "POST", pattern: "/v1/payment_methods/:id/attach", handler: attach },
  { method: "POST", pattern: "/v1/payment_methods/:id/detach", handler: detach },
];
