// /v1/invoices — create, retrieve, update, delete (drafts), finalize, pay, void,
// mark_uncollectible, list, lines.
import type Stripe from "stripe";
import { previousAttributes } from "../core/diff";
import type { Emulator } from "../core/emulator";
import { cardError, invalidRequest, noSuch } from "../core/errors";
import { newId } from "../core/ids";
import { createdFilter, newestFirst, paginate } from "../core/lists";
import { assertCurrency } from "../core/money";
import { applyMetadata } from "../core/params";
import { snapshot } from "../core/state";
import type { ApiHandler, Route } from "../http/router";
import {
  attemptInvoicePayment,
  finalizeInvoice,
  invoicePaymentMethod,
  lineFromInvoiceItem,
  payInvoiceOutOfBand,
  recomputeInvoice,
  voidInvoice,
} from "../payments/invoices";
import { attachPaymentMethod, resolvePaymentMethod } from "../payments/payment-methods";
import { idOf, requireCustomer, requireInvoice } from "../core/lookup";

const DAY = 24 * 3600;

function assertCustomerPaymentMethod(emu: Emulator, customerId: string, pmId: string, param: string): void {
  const pm = emu.state.paymentMethods[pmId];
  if (!pm) throw noSuch("PaymentMethod", pmId, param);
  if (idOf(pm.customer) !== customerId) {
    throw invalidRequest(`The PaymentMethod ${pmId} does not belong to the Customer ${customerId}.`, { param });
  }
}

const create: ApiHandler = (emu, req) => {
  const p = req.params;
  const customer = requireCustomer(emu, p.requiredString("customer"), "customer");
  const collectionMethod = p.enumOf("collection_method", ["charge_automatically", "send_invoice"] as const) ?? "charge_automatically";
  const daysUntilDue = p.int("days_until_due", { min: 0 });
  const dueDateParam = p.int("due_date");
  if (collectionMethod === "charge_automatically" && (daysUntilDue !== undefined || dueDateParam !== undefined)) {
    throw invalidRequest("You can only set `days_until_due` or `due_date` on invoices with `collection_method=send_invoice`.", {
      param: daysUntilDue !== undefined ? "days_until_due" : "due_date",
    });
  }
  if (collectionMethod === "send_invoice" && daysUntilDue === undefined && dueDateParam === undefined) {
    throw invalidRequest("Invoices with `collection_method=send_invoice` must have either `days_until_due` or `due_date` set.", {
      param: "days_until_due",
    });
  }
  const defaultPm = p.optionalId("default_payment_method");
  if (defaultPm) assertCustomerPaymentMethod(emu, customer.id, defaultPm, "default_payment_method");
  const currency = assertCurrency(p.optionalId("currency") ?? customer.currency ?? "usd", "currency");
  const autoAdvance = p.bool("auto_advance") ?? false;
  const pendingBehavior = p.enumOf("pending_invoice_items_behavior", ["exclude", "include"] as const) ?? "exclude";
  const now = emu.clock.now();
  const id = newId("invoice");
  const invoice: Stripe.Invoice = {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "Stripe Emulator",
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: autoAdvance,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: autoAdvance ? now + 3600 : null,
    billing_reason: "manual",
    collection_method: collectionMethod,
    confirmation_secret: null,
    created: now,
    currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: customer.tax_exempt ?? "none",
    customer_tax_ids: [],
    default_payment_method: defaultPm ?? null,
    default_source: null,
    default_tax_rates: [],
    description: p.nullableString("description", { maxLength: 1500 }) ?? null,
    discounts: [],
    due_date: dueDateParam ?? (daysUntilDue !== undefined ? now + daysUntilDue * DAY : null),
    effective_at: null,
    ending_balance: null,
    footer: p.nullableString("footer", { maxLength: 5000 }) ?? null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: [], has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: applyMetadata({}, p.metadata()),
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: now,
    period_start: now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: p.nullableString("statement_descriptor", { maxLength: 22 }) ?? null,
    status: "draft",
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
  emu.state.invoices[id] = invoice;
  emu.state.invoiceLines[id] = [];
  if (pendingBehavior === "include") {
    for (const item of Object.values(emu.state.invoiceItems)) {
      if (item.deleted || item.invoice !== null || idOf(item.customer) !== customer.id || item.currency !== currency) continue;
      item.invoice = id;
      emu.state.invoiceLines[id]?.push(lineFromInvoiceItem(item, id));
    }
  }
  recomputeInvoice(emu, invoice);
  emu.emit("invoice.created", invoice, req.origin);
  return invoice;
};

const retrieve: ApiHandler = (emu, req) => {
  const id = req.pathParams.id ?? "";
  const invoice = emu.state.invoices[id];
  if (!invoice) throw noSuch("invoice", id);
  return invoice;
};

const update: ApiHandler = (emu, req) => {
  const invoice = requireInvoice(emu, req.pathParams.id ?? "");
  const p = req.params;
  const before = snapshot(invoice);
  const editable = invoice.status === "draft" || invoice.status === "open";
  const onlyMetadata = Object.keys(p.values).every((k) => k === "metadata" || k === "expand");
  if (!editable && !onlyMetadata) {
    throw invalidRequest(`You can only update the metadata of an invoice with status ${invoice.status}.`, {
      code: "invoice_not_editable",
    });
  }
  // Read everything first: an invalid request changes nothing.
  const metadata = p.has("metadata") ? applyMetadata(invoice.metadata, p.metadata()) : undefined;
  const description = p.nullableString("description", { maxLength: 1500 });
  const footer = p.nullableString("footer", { maxLength: 5000 });
  const autoAdvance = p.bool("auto_advance");
  const pmId = p.has("default_payment_method") ? (p.nullableString("default_payment_method") ?? null) : undefined;
  if (pmId) assertCustomerPaymentMethod(emu, idOf(invoice.customer) ?? "", pmId, "default_payment_method");
  if (metadata) invoice.metadata = metadata;
  if (description !== undefined) invoice.description = description;
  if (footer !== undefined) invoice.footer = footer;
  if (autoAdvance !== undefined) {
    invoice.auto_advance = autoAdvance;
    if (invoice.status === "draft") invoice.automatically_finalizes_at = autoAdvance ? emu.clock.now() + 3600 : null;
  }
  if (pmId !== undefined) invoice.default_payment_method = pmId;
  const previous = previousAttributes(before, invoice);
  if (previous) emu.emit("invoice.updated", invoice, req.origin, previous);
  return invoice;
};

const remove: ApiHandler = (emu, req) => {
  const invoice = requireInvoice(emu, req.pathParams.id ?? "");
  if (invoice.status !== "draft") {
    throw invalidRequest("You can only delete draft invoices.", { code: "invoice_not_editable" });
  }
  for (const item of Object.values(emu.state.invoiceItems)) {
    if (!item.deleted && item.invoice === invoice.id)
      emu.state.invoiceItems[item.id] = { id: item.id, object: "invoiceitem", deleted: true };
  }
  const deleted: Stripe.DeletedInvoice = { id: invoice.id, object: "invoice", deleted: true };
  emu.state.invoices[invoice.id] = deleted;
  emu.emit("invoice.deleted", invoice, req.origin);
  return deleted;
};

const finalize: ApiHandler = (emu, req) => {
  const invoice = requireInvoice(emu, req.pathParams.id ?? "");
  if (invoice.status !== "draft") {
    throw invalidRequest("This invoice is already finalized, you can't re-finalize a non-draft invoice.", {
      code: "invoice_not_editable",
    });
  }
  return finalizeInvoice(emu, invoice, req.origin, req.params.bool("auto_advance"));
};

const pay: ApiHandler = (emu, req) => {
  const invoice = requireInvoice(emu, req.pathParams.id ?? "");
  const p = req.params;
  if (invoice.status === "paid") throw invalidRequest("Invoice is already paid", { code: "invoice_unexpected_state" });
  if (invoice.status === "void") throw invalidRequest("You cannot pay a void invoice.", { code: "invoice_unexpected_state" });
  const pmId = p.optionalId("payment_method");
  const customerId = idOf(invoice.customer) ?? "";
  let pm: Stripe.PaymentMethod | null = null;
  if (pmId) {
    pm = resolvePaymentMethod(emu, pmId, "payment_method");
    const owner = idOf(pm.customer);
    if (owner !== null && owner !== customerId) {
      throw invalidRequest(`The PaymentMethod ${pm.id} does not belong to the Customer ${customerId}.`, { param: "payment_method" });
    }
    if (owner === null) attachPaymentMethod(emu, pm, customerId, req.origin, "payment_method");
  }
  if (invoice.status === "draft") finalizeInvoice(emu, invoice, req.origin);
  if (invoice.status === "paid") return invoice;
  if (p.bool("paid_out_of_band")) return payInvoiceOutOfBand(emu, invoice, req.origin);
  const outcome = attemptInvoicePayment(emu, invoice, pm ?? invoicePaymentMethod(emu, invoice), req.origin, { automatic: false });
  if (outcome.ok) return outcome.invoice;
  if (outcome.reason === "no_payment_method") {
    throw invalidRequest(
      "This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://docs.stripe.com/billing/subscriptions/payment-methods-setting#payment-method-priority.",
      { code: "invoice_no_payment_method_types" },
    );
  }
  throw cardError(outcome.decline, {
    charge: outcome.charge.id,
    payment_intent: snapshot(outcome.paymentIntent),
    payment_method: snapshot(outcome.paymentMethod),
  });
};

const voidIt: ApiHandler = (emu, req) => {
  const invoice = requireInvoice(emu, req.pathParams.id ?? "");
  if (invoice.status !== "open" && invoice.status !== "uncollectible") {
    throw invalidRequest(`You can only void an open or uncollectible invoice; this invoice is ${invoice.status}.`, {
      code: "invoice_unexpected_state",
    });
  }
  return voidInvoice(emu, invoice, req.origin);
};

const markUncollectible: ApiHandler = (emu, req) => {
  const invoice = requireInvoice(emu, req.pathParams.id ?? "");
  if (invoice.status !== "open") {
    throw invalidRequest(`You can only mark an open invoice uncollectible; this invoice is ${invoice.status}.`, {
      code: "invoice_unexpected_state",
    });
  }
  invoice.status = "uncollectible";
  invoice.status_transitions.marked_uncollectible_at = emu.clock.now();
  invoice.auto_advance = false;
  invoice.next_payment_attempt = null;
  emu.emit("invoice.marked_uncollectible", invoice, req.origin);
  return invoice;
};

const list: ApiHandler = (emu, req) => {
  const p = req.params;
  const customer = p.optionalId("customer");
  const status = p.enumOf("status", ["draft", "open", "paid", "uncollectible", "void"] as const);
  const collectionMethod = p.enumOf("collection_method", ["charge_automatically", "send_invoice"] as const);
  const created = createdFilter(p);
  const items = newestFirst(emu.state.invoices).filter(
    (inv): inv is Stripe.Invoice =>
      !inv.deleted &&
      created(inv.created) &&
      (customer === undefined || idOf(inv.customer) === customer) &&
      (status === undefined || inv.status === status) &&
      (collectionMethod === undefined || inv.collection_method === collectionMethod),
  );
  return paginate(items, p, "/v1/invoices", "invoice");
};

const listLines: ApiHandler = (emu, req) => {
  const invoice = requireInvoice(emu, req.pathParams.id ?? "");
  return paginate(emu.state.invoiceLines[invoice.id] ?? [], req.params, `/v1/invoices/${invoice.id}/lines`, "line_item");
};

export const invoiceRoutes: Route<ApiHandler>[] = [
  { method: "POST", pattern: "/v1/invoices", handler: create },
  { method: "GET", pattern: "/v1/invoices", handler: list },
  { method: "GET", pattern: "/v1/invoices/:id", handler: retrieve },
  { method: "POST", pattern: "/v1/invoices/:id", handler: update },
  { method: "DELETE", pattern: "/v1/invoices/:id", handler: remove },
  { method: "POST", pattern: "/v1/invoices/:id/finalize", handler: finalize },
  { method: "POST", pattern: "/v1/invoices/:id/pay", handler: pay },
  { method: "POST", pattern: "/v1/invoices/:id/void", handler: voidIt },
  { method: "POST", pattern: "/v1/invoices/:id/mark_uncollectible", handler: markUncollectible },
  { method: "GET", pattern: "/v1/invoices/:id/lines", handler: listLines },
];
