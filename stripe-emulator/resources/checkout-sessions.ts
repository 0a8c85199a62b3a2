// /v1/checkout/sessions — create (mode payment with line_items, or mode setup), retrieve,
// update, expire, list, line items. The session's `url` is the emulator's hosted page.
import type Stripe from "stripe";
import type { Emulator } from "../core/emulator";
import { invalidRequest, missingParam } from "../core/errors";
import { newId } from "../core/ids";
import { createdFilter, newestFirst, paginate } from "../core/lists";
import { assertCurrency, assertMinimumCharge, decimal } from "../core/money";
import { applyMetadata, type Params } from "../core/params";
import type { CheckoutSessionExtras } from "../core/state";
import type { ApiHandler, Route } from "../http/router";
import { expireCheckoutSession } from "../payments/checkout";
import { createSetupIntent } from "../payments/setup-intents";
import { idOf, requireCheckoutSession, requireCustomer } from "../core/lookup";

const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;

function assertUrl(value: string | undefined, param: string): string | null {
  if (value === undefined || value === "") return null;
  try {
    const url = new URL(value.replaceAll("{CHECKOUT_SESSION_ID}", "x"));
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw invalidRequest("Not a valid URL", { param, code: "url_invalid" });
  }
  return value;
}

function readLineItem(emu: Emulator, item: Params): Stripe.LineItem {
  if (item.isSet("price")) {
    throw invalidRequest(`No such price: '${item.string("price")}'`, {
      param: item.name("price"),
      code: "resource_missing",
    });
  }
  const priceData = item.object("price_data");
  if (!priceData) throw missingParam(item.name("price_data"));
  const currency = assertCurrency(priceData.requiredString("currency"), priceData.name("currency"));
  if (priceData.isSet("product")) {
    throw invalidRequest(`No such product: '${priceData.string("product")}'`, {
      param: priceData.name("product"),
      code: "resource_missing",
    });
  }
  const productData = priceData.object("product_data");
  if (!productData) throw missingParam(priceData.name("product_data"));
  const name = productData.requiredString("name", { maxLength: 250 });
  let unitAmount = priceData.int("unit_amount", { min: 0 });
  if (unitAmount === undefined) {
    const dec = priceData.string("unit_amount_decimal");
    if (dec === undefined) throw missingParam(priceData.name("unit_amount"));
    if (!/^\d+(\.\d{1,12})?$/.test(dec)) {
      throw invalidRequest(`Invalid decimal: ${dec}`, { param: priceData.name("unit_amount_decimal") });
    }
    unitAmount = Math.round(Number(dec));
  }
  const quantity = item.int("quantity", { min: 1 });
  if (quantity === undefined) throw missingParam(item.name("quantity"));
  const total = unitAmount * quantity;
  const now = emu.clock.now();
  return {
    id: newId("checkoutLineItem"),
    object: "item",
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: total,
    amount_tax: 0,
    amount_total: total,
    currency,
    description: name,
    metadata: {},
    price: {
      id: newId("price"),
      object: "price",
      active: false,
      billing_scheme: "per_unit",
      created: now,
      currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname: null,
      product: newId("product"),
      recurring: null,
      tax_behavior: "unspecified",
      tiers_mode: null,
      transform_quantity: null,
      type: "one_time",
      unit_amount: unitAmount,
      unit_amount_decimal: decimal(String(unitAmount)),
    },
    quantity,
  };
}

function readExtras(p: Params): Omit<CheckoutSessionExtras, "lineItems"> {
  const pid = p.object("payment_intent_data");
  const sid = p.object("setup_intent_data");
  return {
    paymentIntentData: {
      metadata: applyMetadata({}, pid?.metadata()),
      description: pid?.nullableString("description") ?? null,
      setupFutureUsage: pid?.enumOf("setup_future_usage", ["off_session", "on_session"] as const) ?? null,
      receiptEmail: pid?.nullableString("receipt_email") ?? null,
    },
    setupIntentData: {
      metadata: applyMetadata({}, sid?.metadata()),
      description: sid?.nullableString("description") ?? null,
    },
  };
}

const create: ApiHandler = (emu, req) => {
  const p = req.params;
  const mode = p.requiredEnum("mode", ["payment", "setup", "subscription"] as const);
  if (mode === "subscription") {
    throw invalidRequest("The Stripe emulator does not support Checkout in subscription mode.", { param: "mode" });
  }
  const uiMode = p.enumOf("ui_mode", ["hosted", "embedded", "custom"] as const) ?? "hosted";
  if (uiMode !== "hosted") {
    throw invalidRequest(`The Stripe emulator only supports ui_mode=hosted.`, { param: "ui_mode" });
  }
  const successUrl = assertUrl(p.string("success_url"), "success_url");
  const cancelUrl = assertUrl(p.string("cancel_url"), "cancel_url");
  const customerId = p.optionalId("customer") ?? null;
  const customerEmail = p.optionalId("customer_email") ?? null;
  if (customerId && customerEmail) {
    throw invalidRequest("You may only specify one of these parameters: customer, customer_email.", { param: "customer_email" });
  }
  if (customerId) requireCustomer(emu, customerId, "customer");
  const now = emu.clock.now();
  const expiresAt = p.int("expires_at") ?? now + MAX_EXPIRY_SECONDS;
  if (expiresAt < now + MIN_EXPIRY_SECONDS - 60 || expiresAt > now + MAX_EXPIRY_SECONDS + 60) {
    throw invalidRequest("The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.", {
      param: "expires_at",
    });
  }
  const clientReferenceId = p.optionalId("client_reference_id") ?? null;
  if (clientReferenceId && clientReferenceId.length > 200) {
    throw invalidRequest("Invalid client_reference_id: must be at most 200 characters", { param: "client_reference_id" });
  }
  const methodTypes = p.stringArray("payment_method_types");
  const unsupported = methodTypes?.find((t) => t !== "card");
  if (unsupported) {
    throw invalidRequest(`The Stripe emulator only supports the card payment method type, not '${unsupported}'.`, {
      param: "payment_method_types",
    });
  }

  let lineItems: Stripe.LineItem[] = [];
  let currency: string | null;
  if (mode === "payment") {
    const items = p.array("line_items");
    if (!items || items.length === 0) throw missingParam("line_items");
    lineItems = items.map((item) => readLineItem(emu, item));
    currency = lineItems[0]?.currency ?? "usd";
    if (lineItems.some((li) => li.currency !== currency)) {
      throw invalidRequest("All line items must use the same currency.", { param: "line_items" });
    }
  } else {
    if (p.has("line_items")) throw invalidRequest("You cannot pass `line_items` in `setup` mode.", { param: "line_items" });
    const c = p.optionalId("currency");
    if (!c && !methodTypes) throw missingParam("currency");
    currency = c ? assertCurrency(c, "currency") : null;
  }
  const total = mode === "payment" ? lineItems.reduce((sum, li) => sum + li.amount_total, 0) : null;
  if (total !== null && currency) assertMinimumCharge(total, currency, "line_items");

  const extras = readExtras(p);
  const metadata = applyMetadata({}, p.metadata());
  const allowPromotionCodes = p.bool("allow_promotion_codes") ?? null;
  const submitType = p.enumOf("submit_type", ["auto", "book", "donate", "pay", "subscribe"] as const) ?? null;
  const id = newId("checkoutSession");
  const setupIntent =
    mode === "setup"
      ? createSetupIntent(
          emu,
          {
            customer: customerId,
            metadata: { ...extras.setupIntentData.metadata },
            description: extras.setupIntentData.description,
          },
          req.origin,
        )
      : null;
  const session: Stripe.Checkout.Session = {
    id,
    object: "checkout.session",
    adaptive_pricing: mode === "payment" ? { enabled: false } : null,
    after_expiration: null,
    allow_promotion_codes: allowPromotionCodes,
    allowed_payment_method_types: null,
    amount_subtotal: total,
    amount_total: total,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: cancelUrl,
    client_reference_id: clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: customerId,
    customer_account: null,
    customer_creation: customerId ? null : "if_required",
    customer_details: customerEmail
      ? {
          address: null,
          business_name: null,
          email: customerEmail,
          individual_name: null,
          name: null,
          phone: null,
          tax_exempt: "none",
          tax_ids: null,
        }
      : null,
    customer_email: customerEmail,
    discounts: [],
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: mode === "payment" ? { enabled: false, invoice_data: emptyInvoiceData() } : null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata,
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: mode === "setup" ? "always" : "if_required",
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    payment_status: mode === "setup" ? "no_payment_required" : "unpaid",
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: setupIntent?.id ?? null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: submitType,
    subscription: null,
    success_url: successUrl,
    total_details: mode === "payment" ? { amount_discount: 0, amount_shipping: 0, amount_tax: 0 } : null,
    ui_mode: "hosted",
    url: `${emu.publicUrl()}/c/pay/${id}`,
    wallet_options: null,
  };
  emu.state.checkoutSessions[id] = session;
  emu.state.checkoutExtras[id] = { lineItems, ...extras };
  return session;
};

function emptyInvoiceData(): Stripe.Checkout.Session.InvoiceCreation.InvoiceData {
  return {
    account_tax_ids: null,
    custom_fields: null,
    description: null,
    footer: null,
    issuer: null,
    metadata: null,
    rendering_options: null,
  };
}

const retrieve: ApiHandler = (emu, req) => requireCheckoutSession(emu, req.pathParams.id ?? "");

const update: ApiHandler = (emu, req) => {
  const session = requireCheckoutSession(emu, req.pathParams.id ?? "");
  if (req.params.has("metadata")) session.metadata = applyMetadata(session.metadata, req.params.metadata());
  return session;
};

const expire: ApiHandler = (emu, req) => {
  const session = requireCheckoutSession(emu, req.pathParams.id ?? "");
  if (session.status !== "open") {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
      {
        code: "checkout_session_unexpected_state",
      },
    );
  }
  return expireCheckoutSession(emu, session, req.origin);
};

const list: ApiHandler = (emu, req) => {
  const p = req.params;
  const customer = p.optionalId("customer");
  const paymentIntent = p.optionalId("payment_intent");
  const status = p.enumOf("status", ["open", "complete", "expired"] as const);
  const created = createdFilter(p);
  const items = newestFirst(emu.state.checkoutSessions).filter(
    (s) =>
      created(s.created) &&
      (customer === undefined || idOf(s.customer) === customer) &&
      (paymentIntent === undefined || idOf(s.payment_intent) === paymentIntent) &&
      (status === undefined || s.status === status),
  );
  return paginate(items, p, "/v1/checkout/sessions", "checkout.session");
};

const listLineItems: ApiHandler = (emu, req) => {
  const session = requireCheckoutSession(emu, req.pathParams.id ?? "");
  const items = emu.state.checkoutExtras[session.id]?.lineItems ?? [];
  return paginate(items, req.params, `/v1/checkout/sessions/${session.id}/line_items`, "line_item");
};

export const checkoutSessionRoutes: Route<ApiHandler>[] = [
  { method: "POST", pattern: "/v1/checkout/sessions", handler: create },
  { method: "GET", pattern: "/v1/checkout/sessions", handler: list },
  { method: "GET", pattern: "/v1/checkout/sessions/:id", handler: retrieve },
  { method: "POST", pattern: "/v1/checkout/sessions/:id", handler: update },
  { method: "POST", pattern: "/v1/checkout/sessions/:id/expire", handler: expire },
  { method: "GET", pattern: "/v1/checkout/sessions/:id/line_items", handler: listLineItems },
];
