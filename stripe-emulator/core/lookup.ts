// Finding objects by id with Stripe's "No such …" errors (404 for URL ids, 400 for parameters).
import type Stripe from "stripe";
import type { Emulator } from "./emulator";
import { noSuch } from "./errors";

export function requireCustomer(emu: Emulator, id: string, param = "id"): Stripe.Customer {
  const c = emu.state.customers[id];
  if (!c || c.deleted) throw noSuch("customer", id, param);
  return c;
}

export function requirePaymentMethodById(emu: Emulator, id: string, param = "id"): Stripe.PaymentMethod {
  const pm = emu.state.paymentMethods[id];
  if (!pm) throw noSuch("PaymentMethod", id, param);
  return pm;
}

export function requireInvoice(emu: Emulator, id: string, param = "id"): Stripe.Invoice {
  const inv = emu.state.invoices[id];
  if (!inv || inv.deleted) throw noSuch("invoice", id, param);
  return inv;
}

export function requirePaymentIntent(emu: Emulator, id: string, param = "id"): Stripe.PaymentIntent {
  const pi = emu.state.paymentIntents[id];
  if (!pi) throw noSuch("payment_intent", id, param);
  return pi;
}

export function requireCharge(emu: Emulator, id: string, param = "id"): Stripe.Charge {
  const ch = emu.state.charges[id];
  if (!ch) throw noSuch("charge", id, param);
  return ch;
}

export function requireCheckoutSession(emu: Emulator, id: string, param = "id"): Stripe.Checkout.Session {
  const cs = emu.state.checkoutSessions[id];
  if (!cs) throw noSuch("checkout.session", id, param);
  return cs;
}

/** Stripe fields that hold "id or expanded object": the id either way. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : value.id;
}
