// Everything the emulator knows, as plain JSON (so it can be persisted to `stateFile`).
// Objects are kept in Stripe's own shapes (the SDK's types); maps keep insertion order,
// which is creation order — lists read them backwards for Stripe's newest-first order.
import type Stripe from "stripe";

export interface DeliveryAttempt {
  /** Milliseconds since the epoch (real time). */
  at: number;
  /** HTTP status, or null on a network error / timeout. */
  status: number | null;
  error: string | null;
  durationMs: number;
}

export type DeliveryStatus = "pending" | "in_flight" | "succeeded" | "failed";

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  endpoint: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  /** Real-time ms of the next attempt; null once succeeded or given up. */
  nextAttemptAt: number | null;
  /** Creation order across all deliveries: the order of first attempts per endpoint. */
  seq: number;
}

/** Extra data Stripe keeps on a Checkout Session but does not return on the session object. */
export interface CheckoutSessionExtras {
  lineItems: Stripe.LineItem[];
  paymentIntentData: {
    metadata: Record<string, string>;
    description: string | null;
    setupFutureUsage: "off_session" | "on_session" | null;
    receiptEmail: string | null;
  };
  setupIntentData: { metadata: Record<string, string>; description: string | null };
}

export interface State {
  version: 1;
  customers: Record<string, Stripe.Customer | Stripe.DeletedCustomer>;
  paymentMethods: Record<string, Stripe.PaymentMethod>;
  checkoutSessions: Record<string, Stripe.Checkout.Session>;
  checkoutExtras: Record<string, CheckoutSessionExtras>;
  setupIntents: Record<string, Stripe.SetupIntent>;
  paymentIntents: Record<string, Stripe.PaymentIntent>;
  charges: Record<string, Stripe.Charge>;
  refunds: Record<string, Stripe.Refund>;
  invoices: Record<string, Stripe.Invoice | Stripe.DeletedInvoice>;
  invoiceItems: Record<string, Stripe.InvoiceItem | Stripe.DeletedInvoiceItem>;
  invoicePayments: Record<string, Stripe.InvoicePayment>;
  /** Every line of each invoice (the invoice object embeds only the first 10, as Stripe does). */
  invoiceLines: Record<string, Stripe.InvoiceLineItem[]>;
  events: Record<string, Stripe.Event>;
  /** PaymentMethod id → the test card number behind it (decides how charges behave). */
  testCardOf: Record<string, string>;
  /** Hosted invoice page token → invoice id. */
  invoicePageTokens: Record<string, string>;
  /** Per-customer invoice number sequence. */
  invoiceSequences: Record<string, number>;
  deliveries: Record<string, Delivery>;
  deliverySeq: number;
  clockOffsetSeconds: number;
  /** Base URL hosted-page links were minted with (rewritten when a restart changes it). */
  publicUrl: string | null;
}

export function emptyState(): State {
  return {
    version: 1,
    customers: {},
    paymentMethods: {},
    checkoutSessions: {},
    checkoutExtras: {},
    setupIntents: {},
    paymentIntents: {},
    charges: {},
    refunds: {},
    invoices: {},
    invoiceItems: {},
    invoicePayments: {},
    invoiceLines: {},
    events: {},
    testCardOf: {},
    invoicePageTokens: {},
    invoiceSequences: {},
    deliveries: {},
    deliverySeq: 0,
    clockOffsetSeconds: 0,
    publicUrl: null,
  };
}

/** Deep copy for responses and event snapshots, so later mutations never leak into them. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}
