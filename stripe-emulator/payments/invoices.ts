// Invoice lifecycle: draft → open (finalize) → paid | void | uncollectible, payment attempts
// against the customer's card, and automatic collection when `auto_advance` is on.
import type Stripe from "stripe";
import type { Emulator, RequestOrigin } from "../core/emulator";
import { NO_REQUEST } from "../core/emulator";
import type { CardDecline } from "../core/errors";
import { newId, randomBase62 } from "../core/ids";
import { idOf } from "../core/lookup";
import { minimumCharge } from "../core/money";
import { snapshot } from "../core/state";
import { confirmPaymentIntent, createPaymentIntent } from "./payment-intents";

const EMBEDDED_LINES = 10;
const HOUR = 3600;
const DAY = 24 * HOUR;
/** Delays before automatic retries after the 1st, 2nd, 3rd… failed automatic attempt. */
const AUTOMATIC_RETRY_DELAYS = [3 * DAY, 5 * DAY, 7 * DAY];

export function lineFromInvoiceItem(item: Stripe.InvoiceItem, invoiceId: string): Stripe.InvoiceLineItem {
  return {
    id: newId("invoiceLineItem"),
    object: "line_item",
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: item.discountable,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: { ...(item.metadata ?? {}) },
    parent: {
      type: "invoice_item_details",
      invoice_item_details: { invoice_item: item.id, proration: false, proration_details: { credited_items: null }, subscription: null },
      subscription_item_details: null,
    },
    period: { ...item.period },
    pretax_credit_amounts: [],
    pricing: item.pricing,
    quantity: item.quantity,
    quantity_decimal: item.quantity_decimal,
    subscription: null,
    subtotal: item.amount,
    taxes: [],
  };
}

/** Refreshes the embedded `lines` list and every total from the invoice's lines. */
export function recomputeInvoice(emu: Emulator, invoice: Stripe.Invoice): void {
  const lines = emu.state.invoiceLines[invoice.id] ?? [];
  invoice.lines = {
    object: "list",
    data: lines.slice(0, EMBEDDED_LINES),
    has_more: lines.length > EMBEDDED_LINES,
    url: `/v1/invoices/${invoice.id}/lines`,
  };
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0);
  invoice.subtotal = subtotal;
  invoice.subtotal_excluding_tax = subtotal;
  invoice.total = subtotal;
  invoice.total_excluding_tax = subtotal;
  invoice.amount_due = Math.max(0, subtotal + invoice.starting_balance);
  invoice.amount_remaining = Math.max(0, invoice.amount_due - invoice.amount_paid);
  if (lines.length > 0) {
    invoice.period_start = Math.min(...lines.map((l) => l.period.start));
    invoice.period_end = Math.max(...lines.map((l) => l.period.end));
  }
}

export function defaultInvoicePayment(emu: Emulator, invoiceId: string): Stripe.InvoicePayment | undefined {
  return Object.values(emu.state.invoicePayments).find((p) => p.invoice === invoiceId && p.is_default);
}

function markPaid(emu: Emulator, invoice: Stripe.Invoice, origin: RequestOrigin, outOfBand: boolean): void {
  const now = emu.clock.now();
  if (outOfBand) invoice.amount_paid_off_stripe = (invoice.amount_paid_off_stripe ?? 0) + invoice.amount_remaining;
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.status = "paid";
  invoice.status_transitions.paid_at = now;
  invoice.auto_advance = false;
  invoice.next_payment_attempt = null;
  if (outOfBand) {
    const payment = defaultInvoicePayment(emu, invoice.id);
    const piId = payment?.payment.payment_intent ? idOf(payment.payment.payment_intent) : null;
    const pi = piId ? emu.state.paymentIntents[piId] : undefined;
    if (payment) {
      payment.status = "canceled";
      payment.status_transitions.canceled_at = now;
    }
    if (pi && pi.status !== "succeeded") {
      pi.status = "canceled";
      pi.canceled_at = now;
    }
  }
  emu.emit("invoice.paid", invoice, origin);
  if (!outOfBand) emu.emit("invoice.payment_succeeded", invoice, origin);
}

/**
 * Stripe applies the customer's balance when an invoice is finalized: a debit (an earlier invoice
 * too small to charge) adds to the amount due, a credit takes off it (what it does not use stays).
 */
function applyCustomerBalance(emu: Emulator, invoice: Stripe.Invoice, customer: Stripe.Customer | undefined, origin: RequestOrigin): void {
  if (!customer || customer.balance === 0 || invoice.starting_balance !== 0) {
    invoice.ending_balance = customer?.balance ?? 0;
    return;
  }
  const before = snapshot(customer);
  invoice.starting_balance = customer.balance;
  recomputeInvoice(emu, invoice);
  const left = invoice.total + invoice.starting_balance;
  customer.balance = left < 0 ? left : 0;
  invoice.ending_balance = customer.balance;
  emu.emit("customer.updated", customer, origin, { balance: before.balance });
}

/**
 * Stripe never charges an amount under the currency's minimum: such an invoice is marked paid at
 * finalization, nothing collected, and its amount due goes to the customer's balance (a debit the
 * next invoice collects). Returns whether it did.
 */
function carryTooSmallAmount(
  emu: Emulator,
  invoice: Stripe.Invoice,
  customer: Stripe.Customer | undefined,
  origin: RequestOrigin,
): boolean {
  const due = invoice.amount_remaining;
  if (!customer || due <= 0 || due >= minimumCharge(invoice.currency)) return false;
  const before = customer.balance;
  customer.balance += due;
  invoice.ending_balance = customer.balance;
  invoice.amount_remaining = 0;
  invoice.status = "paid";
  invoice.status_transitions.paid_at = emu.clock.now();
  invoice.auto_advance = false;
  invoice.next_payment_attempt = null;
  emu.emit("customer.updated", customer, origin, { balance: before });
  emu.emit("invoice.finalized", invoice, origin);
  emu.emit("invoice.paid", invoice, origin);
  return true;
}

/**
 * draft → open: number, hosted page, a PaymentIntent for the amount due (its InvoicePayment is
 * `open`), `invoice.finalized`. An invoice with nothing to pay is paid at once; one with less than
 * the minimum charge to pay is paid without a charge, its amount carried to the customer's balance.
 */
export function finalizeInvoice(emu: Emulator, invoice: Stripe.Invoice, origin: RequestOrigin, autoAdvance?: boolean): Stripe.Invoice {
  const now = emu.clock.now();
  const customerId = idOf(invoice.customer) ?? "";
  const customer = emu.state.customers[customerId];
  const prefix = customer && !customer.deleted ? (customer.invoice_prefix ?? "EMU") : "EMU";
  const sequence = (emu.state.invoiceSequences[customerId] ?? 0) + 1;
  emu.state.invoiceSequences[customerId] = sequence;
  if (customer && !customer.deleted) customer.next_invoice_sequence = sequence + 1;
  const token = `test_${randomBase62(48)}`;
  emu.state.invoicePageTokens[token] = invoice.id;
  if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
  invoice.number = `${prefix}-${String(sequence).padStart(4, "0")}`;
  invoice.status = "open";
  invoice.status_transitions.finalized_at = now;
  invoice.effective_at = now;
  invoice.automatically_finalizes_at = null;
  invoice.hosted_invoice_url = `${emu.publicUrl()}/i/${token}`;
  invoice.invoice_pdf = `${emu.publicUrl()}/i/${token}/pdf`;
  if (invoice.collection_method === "send_invoice" && invoice.due_date === null) invoice.due_date = now + 30 * DAY;
  const liveCustomer = customer && !customer.deleted ? customer : undefined;
  applyCustomerBalance(emu, invoice, liveCustomer, origin);
  if (carryTooSmallAmount(emu, invoice, liveCustomer, origin)) return invoice;
  invoice.next_payment_attempt =
    invoice.collection_method === "charge_automatically" && invoice.auto_advance && invoice.amount_remaining > 0 ? now + HOUR : null;
  if (invoice.amount_remaining > 0) {
    const pi = createPaymentIntent(
      emu,
      {
        amount: invoice.amount_remaining,
        currency: invoice.currency,
        customer: customerId,
        description: `Invoice ${invoice.number}`,
      },
      origin,
    );
    const payment: Stripe.InvoicePayment = {
      id: newId("invoicePayment"),
      object: "invoice_payment",
      amount_paid: null,
      amount_requested: invoice.amount_remaining,
      created: now,
      currency: invoice.currency,
      invoice: invoice.id,
      is_default: true,
      livemode: false,
      payment: { type: "payment_intent", payment_intent: pi.id },
      status: "open",
      status_transitions: { canceled_at: null, paid_at: null },
    };
    emu.state.invoicePayments[payment.id] = payment;
    invoice.confirmation_secret = { client_secret: pi.client_secret ?? "", type: "payment_intent" };
  }
  emu.emit("invoice.finalized", invoice, origin);
  if (invoice.amount_remaining === 0) markPaid(emu, invoice, origin, false);
  return invoice;
}

/** The card an invoice is charged to: the invoice's default, else the customer's invoice default. */
export function invoicePaymentMethod(emu: Emulator, invoice: Stripe.Invoice): Stripe.PaymentMethod | null {
  const own = idOf(invoice.default_payment_method);
  if (own) return emu.state.paymentMethods[own] ?? null;
  const customer = emu.state.customers[idOf(invoice.customer) ?? ""];
  if (!customer || customer.deleted) return null;
  const pmId = idOf(customer.invoice_settings.default_payment_method);
  return pmId ? (emu.state.paymentMethods[pmId] ?? null) : null;
}

export type InvoicePaymentOutcome =
  | { ok: true; invoice: Stripe.Invoice }
  | {
      ok: false;
      invoice: Stripe.Invoice;
      reason: "declined";
      decline: CardDecline;
      charge: Stripe.Charge;
      paymentIntent: Stripe.PaymentIntent;
      paymentMethod: Stripe.PaymentMethod;
    }
  | { ok: false; invoice: Stripe.Invoice; reason: "no_payment_method" };

/**
 * One payment attempt on an open invoice. `attempt_count` follows Stripe's rule: the first
 * attempt counts, later ones only when automatic. Failures emit `invoice.payment_failed`.
 */
export function attemptInvoicePayment(
  emu: Emulator,
  invoice: Stripe.Invoice,
  pm: Stripe.PaymentMethod | null,
  origin: RequestOrigin,
  opts: { automatic: boolean },
): InvoicePaymentOutcome {
  invoice.attempted = true;
  if (invoice.attempt_count === 0 || opts.automatic) invoice.attempt_count += 1;
  const scheduleRetry = () => {
    const delay = AUTOMATIC_RETRY_DELAYS[invoice.attempt_count - 1];
    invoice.next_payment_attempt =
      invoice.auto_advance && invoice.collection_method === "charge_automatically" && delay !== undefined ? emu.clock.now() + delay : null;
  };
  if (!pm) {
    scheduleRetry();
    emu.emit("invoice.payment_failed", invoice, origin);
    return { ok: false, invoice, reason: "no_payment_method" };
  }
  const payment = defaultInvoicePayment(emu, invoice.id);
  const piId = payment?.payment.payment_intent ? idOf(payment.payment.payment_intent) : null;
  const pi =
    (piId ? emu.state.paymentIntents[piId] : undefined) ??
    createPaymentIntent(
      emu,
      {
        amount: invoice.amount_remaining,
        currency: invoice.currency,
        customer: idOf(invoice.customer),
        description: `Invoice ${invoice.number}`,
      },
      origin,
    );
  const outcome = confirmPaymentIntent(emu, pi, pm, origin);
  if (!outcome.ok) {
    scheduleRetry();
    emu.emit("invoice.payment_failed", invoice, origin);
    return {
      ok: false,
      invoice,
      reason: "declined",
      decline: outcome.decline,
      charge: outcome.charge,
      paymentIntent: outcome.paymentIntent,
      paymentMethod: outcome.paymentMethod,
    };
  }
  if (payment) {
    payment.status = "paid";
    payment.amount_paid = pi.amount;
    payment.status_transitions.paid_at = emu.clock.now();
    emu.emit("invoice_payment.paid", payment, origin);
  }
  markPaid(emu, invoice, origin, false);
  return { ok: true, invoice };
}

export function payInvoiceOutOfBand(emu: Emulator, invoice: Stripe.Invoice, origin: RequestOrigin): Stripe.Invoice {
  markPaid(emu, invoice, origin, true);
  return invoice;
}

export function voidInvoice(emu: Emulator, invoice: Stripe.Invoice, origin: RequestOrigin): Stripe.Invoice {
  const now = emu.clock.now();
  invoice.status = "void";
  invoice.status_transitions.voided_at = now;
  invoice.auto_advance = false;
  invoice.next_payment_attempt = null;
  const payment = defaultInvoicePayment(emu, invoice.id);
  if (payment && payment.status === "open") {
    payment.status = "canceled";
    payment.status_transitions.canceled_at = now;
    const piId = payment.payment.payment_intent ? idOf(payment.payment.payment_intent) : null;
    const pi = piId ? emu.state.paymentIntents[piId] : undefined;
    if (pi && pi.status !== "succeeded" && pi.status !== "canceled") {
      pi.status = "canceled";
      pi.canceled_at = now;
      pi.cancellation_reason = "void_invoice";
    }
  }
  emu.emit("invoice.voided", invoice, origin);
  return invoice;
}

/**
 * Automatic collection for `auto_advance` invoices (run periodically and on clock advance):
 * drafts are finalized when `automatically_finalizes_at` passes, open ones are charged when
 * `next_payment_attempt` passes.
 */
export function advanceInvoices(emu: Emulator): { finalized: number; attempted: number } {
  const now = emu.clock.now();
  let finalized = 0;
  let attempted = 0;
  for (const invoice of Object.values(emu.state.invoices)) {
    if (invoice.deleted || !invoice.auto_advance) continue;
    if (invoice.status === "draft" && invoice.automatically_finalizes_at !== null && invoice.automatically_finalizes_at <= now) {
      finalizeInvoice(emu, invoice, NO_REQUEST);
      finalized++;
    }
    if (
      invoice.status === "open" &&
      invoice.collection_method === "charge_automatically" &&
      invoice.next_payment_attempt !== null &&
      invoice.next_payment_attempt <= now
    ) {
      attemptInvoicePayment(emu, invoice, invoicePaymentMethod(emu, invoice), NO_REQUEST, { automatic: true });
      attempted++;
    }
  }
  return { finalized, attempted };
}
