// /v1/invoiceitems — create (onto a draft invoice, or pending for the customer's next invoice),
// retrieve, update, delete, list; and /v1/invoice_payments (read-only).
import type Stripe from "stripe";
import type { Emulator } from "../core/emulator";
import { invalidRequest, missingParam, noSuch } from "../core/errors";
import { newId } from "../core/ids";
import { createdFilter, newestFirst, paginate } from "../core/lists";
import { assertCurrency, decimal } from "../core/money";
import { applyMetadata } from "../core/params";
import type { ApiHandler, Route } from "../http/router";
import { lineFromInvoiceItem, recomputeInvoice } from "../payments/invoices";
import { idOf, requireCustomer, requireInvoice } from "../core/lookup";

function requireItem(emu: Emulator, id: string): Stripe.InvoiceItem {
  const item = emu.state.invoiceItems[id];
  if (!item || item.deleted) throw noSuch("invoiceitem", id);
  return item;
}

function draftInvoiceOf(emu: Emulator, item: Stripe.InvoiceItem): Stripe.Invoice | null {
  const invoiceId = idOf(item.invoice);
  if (!invoiceId) return null;
  const invoice = requireInvoice(emu, invoiceId, "invoice");
  if (invoice.status !== "draft") {
    throw invalidRequest(`Invoice items on a finalized invoice (${invoice.id}) cannot be changed.`, { code: "invoice_not_editable" });
  }
  return invoice;
}

/** Rebuilds the invoice line of `item` after a change (or removes it). */
function syncLine(emu: Emulator, invoice: Stripe.Invoice, item: Stripe.InvoiceItem, removed = false): void {
  const lines = emu.state.invoiceLines[invoice.id] ?? [];
  const index = lines.findIndex((l) => l.parent?.invoice_item_details?.invoice_item === item.id);
  if (removed) {
    if (index !== -1) lines.splice(index, 1);
  } else {
    const line = lineFromInvoiceItem(item, invoice.id);
    if (index === -1) lines.push(line);
    else lines[index] = { ...line, id: lines[index]?.id ?? line.id };
  }
  emu.state.invoiceLines[invoice.id] = lines;
  recomputeInvoice(emu, invoice);
}

const create: ApiHandler = (emu, req) => {
  const p = req.params;
  const customer = requireCustomer(emu, p.requiredString("customer"), "customer");
  if (p.has("price_data") || p.has("pricing")) {
    throw invalidRequest("The Stripe emulator supports invoice items with `amount` or `unit_amount_decimal` only.", {
      param: p.has("price_data") ? "price_data" : "pricing",
    });
  }
  const invoiceId = p.optionalId("invoice");
  const invoice = invoiceId ? requireInvoice(emu, invoiceId, "invoice") : null;
  if (invoice) {
    if (idOf(invoice.customer) !== customer.id) {
      throw invalidRequest(`The invoice ${invoice.id} belongs to a different customer.`, { param: "invoice" });
    }
    if (invoice.status !== "draft") {
      throw invalidRequest("Invoice items can only be added to draft invoices.", { param: "invoice", code: "invoice_not_editable" });
    }
  }
  const currencyParam = p.optionalId("currency");
  const currency = currencyParam ? assertCurrency(currencyParam, "currency") : (invoice?.currency ?? customer.currency ?? null);
  if (!currency) throw missingParam("currency");
  if (invoice && invoice.currency !== currency) {
    throw invalidRequest(`The currency of the invoice item (${currency}) does not match the invoice's currency (${invoice.currency}).`, {
      param: "currency",
    });
  }
  let amount = p.int("amount");
  let quantity = p.int("quantity", { min: 0 }) ?? 1;
  let unitAmountDecimal: string;
  if (amount !== undefined) {
    if (p.has("quantity") && quantity !== 1) {
      throw invalidRequest("When passing `amount`, `quantity` must be 1; use `unit_amount_decimal` with `quantity`.", {
        param: "quantity",
      });
    }
    quantity = 1;
    unitAmountDecimal = String(amount);
  } else {
    const unit = p.string("unit_amount_decimal");
    if (unit === undefined || unit === "") throw missingParam("amount");
    if (!/^-?\d+(\.\d{1,12})?$/.test(unit)) throw invalidRequest(`Invalid decimal: ${unit}`, { param: "unit_amount_decimal" });
    unitAmountDecimal = unit;
    amount = Math.round(Number(unit) * quantity);
  }
  const now = emu.clock.now();
  const period = p.object("period");
  const item: Stripe.InvoiceItem = {
    id: newId("invoiceItem"),
    object: "invoiceitem",
    amount,
    currency,
    customer: customer.id,
    customer_account: null,
    date: now,
    description: p.nullableString("description", { maxLength: 500 }) ?? null,
    discountable: p.bool("discountable") ?? amount >= 0,
    discounts: [],
    invoice: invoice?.id ?? null,
    livemode: false,
    metadata: applyMetadata({}, p.metadata()),
    net_amount: amount,
    parent: null,
    period: { start: period?.requiredInt("start") ?? now, end: period?.requiredInt("end") ?? now },
    pricing: { type: "price_details", unit_amount_decimal: decimal(unitAmountDecimal) },
    proration: false,
    quantity,
    quantity_decimal: decimal(String(quantity)),
    tax_rates: [],
    test_clock: null,
  };
  emu.state.invoiceItems[item.id] = item;
  if (invoice) syncLine(emu, invoice, item);
  emu.emit("invoiceitem.created", item, req.origin);
  return item;
};

const retrieve: ApiHandler = (emu, req) => {
  const id = req.pathParams.id ?? "";
  const item = emu.state.invoiceItems[id];
  if (!item) throw noSuch("invoiceitem", id);
  return item;
};

const update: ApiHandler = (emu, req) => {
  const item = requireItem(emu, req.pathParams.id ?? "");
  const invoice = draftInvoiceOf(emu, item);
  const p = req.params;
  if (p.has("metadata")) item.metadata = applyMetadata(item.metadata, p.metadata());
  const description = p.nullableString("description", { maxLength: 500 });
  if (description !== undefined) item.description = description;
  const amount = p.int("amount");
  if (amount !== undefined) {
    item.amount = amount;
    item.net_amount = amount;
    item.quantity = 1;
    item.quantity_decimal = decimal("1");
    item.pricing = { type: "price_details", unit_amount_decimal: decimal(String(amount)) };
  }
  if (invoice) syncLine(emu, invoice, item);
  return item;
};

const remove: ApiHandler = (emu, req) => {
  const item = requireItem(emu, req.pathParams.id ?? "");
  const invoice = draftInvoiceOf(emu, item);
  if (invoice) syncLine(emu, invoice, item, true);
  const deleted: Stripe.DeletedInvoiceItem = { id: item.id, object: "invoiceitem", deleted: true };
  emu.state.invoiceItems[item.id] = deleted;
  emu.emit("invoiceitem.deleted", item, req.origin);
  return deleted;
};

const list: ApiHandler = (emu, req) => {
  const p = req.params;
  const customer = p.optionalId("customer");
  const invoice = p.optionalId("invoice");
  const pending = p.bool("pending");
  const created = createdFilter(p);
  const items = newestFirst(emu.state.invoiceItems).filter(
    (i): i is Stripe.InvoiceItem =>
      !i.deleted &&
      created(i.date) &&
      (customer === undefined || idOf(i.customer) === customer) &&
      (invoice === undefined || idOf(i.invoice) === invoice) &&
      (pending === undefined || (i.invoice === null) === pending),
  );
  return paginate(items, p, "/v1/invoiceitems", "invoiceitem");
};

const retrievePayment: ApiHandler = (emu, req) => {
  const id = req.pathParams.id ?? "";
  const payment = emu.state.invoicePayments[id];
  if (!payment) throw noSuch("invoice_payment", id);
  return payment;
};

const listPayments: ApiHandler = (emu, req) => {
  const p = req.params;
  const invoice = p.optionalId("invoice");
  const status = p.enumOf("status", ["canceled", "open", "paid"] as const);
  const payment = p.object("payment");
  const paymentIntent = payment?.optionalId("payment_intent");
  const items = newestFirst(emu.state.invoicePayments).filter(
    (ip) =>
      (invoice === undefined || idOf(ip.invoice) === invoice) &&
      (status === undefined || ip.status === status) &&
      (paymentIntent === undefined || idOf(ip.payment.payment_intent) === paymentIntent),
  );
  return paginate(items, p, "/v1/invoice_payments", "invoice_payment");
};

export const invoiceItemRoutes: Route<ApiHandler>[] = [
  { method: "POST", pattern: "/v1/invoiceitems", handler: create },
  { method: "GET", pattern: "/v1/invoiceitems", handler: list },
  { method: "GET", pattern: "/v1/invoiceitems/:id", handler: retrieve },
  { method: "POST", pattern: "/v1/invoiceitems/:id", handler: update },
  { method: "DELETE", pattern: "/v1/invoiceitems/:id", handler: remove },
  { method: "GET", pattern: "/v1/invoice_payments", handler: listPayments },
  { method: "GET", pattern: "/v1/invoice_payments/:id", handler: retrievePayment },
];
