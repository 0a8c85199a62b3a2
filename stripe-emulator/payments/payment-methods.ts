// Card PaymentMethods: creation from a test card, Stripe's `pm_card_*` shortcuts, attach and detach.
import type Stripe from "stripe";
import { previousAttributes } from "../core/diff";
import type { Emulator, RequestOrigin } from "../core/emulator";
import { cardError, invalidRequest } from "../core/errors";
import { newId } from "../core/ids";
import { snapshot } from "../core/state";
import { idOf, requireCustomer, requirePaymentMethodById } from "../core/lookup";
import { fingerprint, isShortcut, testCardByNumber, testCardByShortcut, type TestCard } from "./test-cards";

export interface BillingInput {
  name?: string | null;
  email?: string | null;
}

export function createCardPaymentMethod(
  emu: Emulator,
  card: TestCard,
  opts: { expMonth?: number; expYear?: number; billing?: BillingInput; metadata?: Record<string, string> } = {},
): Stripe.PaymentMethod {
  const now = new Date(emu.clock.nowMs());
  const pm: Stripe.PaymentMethod = {
    id: newId("paymentMethod"),
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: opts.billing?.email ?? null,
      name: opts.billing?.name ?? null,
      phone: null,
      tax_id: null,
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      display_brand: card.brand,
      exp_month: opts.expMonth ?? now.getUTCMonth() + 1,
      exp_year: opts.expYear ?? now.getUTCFullYear() + 3,
      fingerprint: fingerprint(card.number),
      funding: card.funding,
      generated_from: null,
      last4: card.number.slice(-4),
      networks: { available: [card.brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: emu.clock.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: opts.metadata ?? {},
    type: "card",
  };
  emu.state.paymentMethods[pm.id] = pm;
  emu.state.testCardOf[pm.id] = card.number;
  return pm;
}

export function testCardOf(emu: Emulator, pm: Stripe.PaymentMethod): TestCard | undefined {
  const number = emu.state.testCardOf[pm.id];
  return number ? testCardByNumber(number) : undefined;
}

/**
 * A PaymentMethod referenced by a request: an existing `pm_…`, or a test shortcut such as
 * `pm_card_visa`, which (as in Stripe test mode) creates a fresh PaymentMethod each time.
 */
export function resolvePaymentMethod(emu: Emulator, id: string, param: string): Stripe.PaymentMethod {
  if (isShortcut(id)) {
    const card = testCardByShortcut(id);
    if (!card) throw invalidRequest(`No such PaymentMethod: '${id}'`, { param, code: "resource_missing" });
    return createCardPaymentMethod(emu, card);
  }
  return requirePaymentMethodById(emu, id, param);
}

/**
 * Throws what attaching `pm` to `customerId` would throw, without changing anything
 * (`customerId` null: the customer is about to be created).
 */
export function assertAttachable(emu: Emulator, pm: Stripe.PaymentMethod, customerId: string | null, param = "customer"): void {
  if (customerId !== null) requireCustomer(emu, customerId, param);
  const current = idOf(pm.customer);
  if (current !== null && current !== customerId) {
    throw invalidRequest("The payment method you provided has already been attached to a customer.", {
      param: customerId === null ? param : undefined,
      code: "payment_method_unexpected_state",
    });
  }
  // Saving a card verifies it with the issuer: cards declined "on setup" cannot be attached.
  const card = testCardOf(emu, pm);
  if (current === null && card?.onSetup) throw cardError(card.onSetup, { param: "card" });
}

export function attachPaymentMethod(
  emu: Emulator,
  pm: Stripe.PaymentMethod,
  customerId: string,
  origin: RequestOrigin,
  param = "customer",
): Stripe.PaymentMethod {
  assertAttachable(emu, pm, customerId, param);
  if (idOf(pm.customer) === customerId) return pm;
  pm.customer = customerId;
  emu.emit("payment_method.attached", pm, origin);
  return pm;
}

export function detachPaymentMethod(emu: Emulator, pm: Stripe.PaymentMethod, origin: RequestOrigin): Stripe.PaymentMethod {
  const customerId = idOf(pm.customer);
  if (customerId === null) {
    throw invalidRequest("The payment method you provided is not attached to a customer so detachment is impossible.", {
      code: "payment_method_unexpected_state",
    });
  }
  pm.customer = null;
  const customer = emu.state.customers[customerId];
  if (customer && !customer.deleted && idOf(customer.invoice_settings.default_payment_method) === pm.id) {
    const before = snapshot(customer);
    customer.invoice_settings.default_payment_method = null;
    emu.emit("customer.updated", customer, origin, previousAttributes(before, customer));
  }
  emu.emit("payment_method.detached", pm, origin, { customer: customerId });
  return pm;
}
