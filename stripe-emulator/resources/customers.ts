// /v1/customers — create, retrieve, update (invoice_settings[default_payment_method]), delete,
// list, and the customer's payment methods.
import type Stripe from "stripe";
import { previousAttributes } from "../core/diff";
import type { Emulator } from "../core/emulator";
import { invalidRequest, noSuch } from "../core/errors";
import { newId, randomBase62 } from "../core/ids";
import { createdFilter, newestFirst, paginate } from "../core/lists";
import { applyMetadata, type Params } from "../core/params";
import { snapshot } from "../core/state";
import type { ApiHandler, ApiRequest, Route } from "../http/router";
import { assertAttachable, attachPaymentMethod, resolvePaymentMethod } from "../payments/payment-methods";
import { idOf, requireCustomer } from "../core/lookup";

function assertDefaultPaymentMethod(emu: Emulator, customerId: string, pmId: string, param: string): void {
  const pm = emu.state.paymentMethods[pmId];
  if (!pm || idOf(pm.customer) !== customerId) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`,
      { param, code: "resource_missing" },
    );
  }
}

/** Reads the updatable fields first, so an invalid request changes nothing. */
function readCommonFields(p: Params, current: Stripe.Customer | null): Partial<Stripe.Customer> {
  const patch: Partial<Stripe.Customer> = {};
  const email = p.nullableString("email", { maxLength: 512 });
  if (email !== undefined) patch.email = email;
  const name = p.nullableString("name", { maxLength: 256 });
  if (name !== undefined) patch.name = name;
  const description = p.nullableString("description", { maxLength: 350 });
  if (description !== undefined) patch.description = description;
  const phone = p.nullableString("phone", { maxLength: 20 });
  if (phone !== undefined) patch.phone = phone;
  if (p.has("metadata")) patch.metadata = applyMetadata(current?.metadata, p.metadata());
  const locales = p.stringArray("preferred_locales");
  if (locales) patch.preferred_locales = locales;
  return patch;
}

const create: ApiHandler = (emu, req) => {
  const p = req.params;
  const customer: Stripe.Customer = {
    id: newId("customer"),
    object: "customer",
    address: null,
    balance: 0,
    created: emu.clock.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomBase62(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
  Object.assign(customer, readCommonFields(p, null));
  // Validate references before anything is stored, so a bad request changes nothing.
  const pmId = p.optionalId("payment_method");
  const pm = pmId ? resolvePaymentMethod(emu, pmId, "payment_method") : undefined;
  if (pm) assertAttachable(emu, pm, null, "payment_method");
  const settings = p.object("invoice_settings");
  const defaultPm = settings?.optionalId("default_payment_method");
  if (defaultPm && defaultPm !== pmId && defaultPm !== pm?.id) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${defaultPm}. The payment method must be attached to the customer.`,
      { param: "invoice_settings[default_payment_method]", code: "resource_missing" },
    );
  }
  emu.state.customers[customer.id] = customer;
  emu.emit("customer.created", customer, req.origin);
  if (pm) {
    attachPaymentMethod(emu, pm, customer.id, req.origin, "payment_method");
    if (defaultPm) {
      const before = snapshot(customer);
      customer.invoice_settings.default_payment_method = pm.id;
      emu.emit("customer.updated", customer, req.origin, previousAttributes(before, customer));
    }
  }
  return customer;
};

const retrieve: ApiHandler = (emu, req) => {
  const id = req.pathParams.id ?? "";
  const c = emu.state.customers[id];
  if (!c) throw noSuch("customer", id);
  return c;
};

const update: ApiHandler = (emu, req) => {
  const customer = requireCustomer(emu, req.pathParams.id ?? "");
  const p = req.params;
  const before = snapshot(customer);
  const settings = p.object("invoice_settings");
  const patch = readCommonFields(p, customer);
  if (settings?.has("default_payment_method")) {
    const pmId = settings.nullableString("default_payment_method");
    if (pmId) assertDefaultPaymentMethod(emu, customer.id, pmId, "invoice_settings[default_payment_method]");
    customer.invoice_settings.default_payment_method = pmId ?? null;
  }
  Object.assign(customer, patch);
  const previous = previousAttributes(before, customer);
  if (previous) emu.emit("customer.updated", customer, req.origin, previous);
  return customer;
};

const remove: ApiHandler = (emu, req) => {
  const customer = requireCustomer(emu, req.pathParams.id ?? "");
  const deleted: Stripe.DeletedCustomer = { id: customer.id, object: "customer", deleted: true };
  emu.state.customers[customer.id] = deleted;
  emu.emit("customer.deleted", customer, req.origin);
  return deleted;
};

const list: ApiHandler = (emu, req) => {
  const p = req.params;
  const email = p.optionalId("email");
  const created = createdFilter(p);
  const items = newestFirst(emu.state.customers).filter(
    (c): c is Stripe.Customer => !c.deleted && created(c.created) && (email === undefined || c.email === email),
  );
  return paginate(items, p, "/v1/customers", "customer");
};

function paymentMethodsOf(emu: Emulator, customerId: string, type: string | undefined): Stripe.PaymentMethod[] {
  return newestFirst(emu.state.paymentMethods).filter((pm) => idOf(pm.customer) === customerId && (type === undefined || type === pm.type));
}

const listPaymentMethods: ApiHandler = (emu, req: ApiRequest) => {
  const customer = requireCustomer(emu, req.pathParams.id ?? "", "customer");
  const type = req.params.optionalId("type");
  return paginate(paymentMethodsOf(emu, customer.id, type), req.params, `/v1/customers/${customer.id}/payment_methods`, "payment_method");
};

const retrievePaymentMethod: ApiHandler = (emu, req) => {
  const customer = requireCustomer(emu, req.pathParams.id ?? "", "customer");
  const pmId = req.pathParams.pm ?? "";
  const pm = emu.state.paymentMethods[pmId];
  if (!pm || idOf(pm.customer) !== customer.id) throw noSuch("PaymentMethod", pmId, "payment_method");
  return pm;
};

export const customerRoutes: Route<ApiHandler>[] = [
  { method: "POST", pattern: "/v1/customers", handler: create },
  { method: "GET", pattern: "/v1/customers", handler: list },
  { method: "GET", pattern: "/v1/customers/:id/payment_methods", handler: listPaymentMethods },
  { method: "GET", pattern: "/v1/customers/:id/payment_methods/:pm", handler: retrievePaymentMethod },
  { method: "GET", pattern: "/v1/customers/:id", handler: retrieve },
  { method: "POST", pattern: "/v1/customers/:id", handler: update },
  { method: "DELETE", pattern: "/v1/customers/:id", handler: remove },
];

export { paymentMethodsOf };
