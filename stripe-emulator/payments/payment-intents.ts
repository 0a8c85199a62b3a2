// PaymentIntents and the Charges their confirmations create: the one place money "moves".
import type Stripe from "stripe";
import type { Emulator, RequestOrigin } from "../core/emulator";
import type { CardDecline } from "../core/errors";
import { newId, randomBase62 } from "../core/ids";
import { snapshot } from "../core/state";
import { idOf } from "../core/lookup";
import { attachPaymentMethod, testCardOf } from "./payment-methods";

export interface NewPaymentIntent {
  amount: number;
  currency: string;
  customer: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  setupFutureUsage?: "off_session" | "on_session" | null;
  receiptEmail?: string | null;
  statementDescriptor?: string | null;
}

export function createPaymentIntent(emu: Emulator, input: NewPaymentIntent, origin: RequestOrigin): Stripe.PaymentIntent {
  const id = newId("paymentIntent");
  const pi: Stripe.PaymentIntent = {
    id,
    object: "payment_intent",
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    client_secret: `${id}_secret_${randomBase62(25)}`,
    confirmation_method: "automatic",
    created: emu.clock.now(),
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" },
    },
    payment_method_types: ["card"],
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail ?? null,
    review: null,
    setup_future_usage: input.setupFutureUsage ?? null,
    shipping: null,
    source: null,
    statement_descriptor: input.statementDescriptor ?? null,
    statement_descriptor_suffix: null,
    status: "requires_payment_method",
    transfer_data: null,
    transfer_group: null,
  };
  emu.state.paymentIntents[id] = pi;
  emu.emit("payment_intent.created", pi, origin);
  return pi;
}

function outcomeFor(decline: CardDecline | null): Stripe.Charge.Outcome {
  if (!decline) {
    return {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: "approved_by_network",
      reason: null,
      risk_level: "normal",
      risk_score: 32,
      seller_message: "Payment complete.",
      type: "authorized",
    };
  }
  return {
    advice_code: decline.declineCode === "generic_decline" ? "try_again_later" : "do_not_try_again",
    network_advice_code: null,
    network_decline_code: null,
    network_status: "declined_by_network",
    reason: decline.declineCode ?? decline.code,
    risk_level: "normal",
    risk_score: 32,
    seller_message: "The bank did not return any further details with this decline.",
    type: "issuer_declined",
  };
}

function buildCharge(emu: Emulator, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, decline: CardDecline | null): Stripe.Charge {
  const id = newId("charge");
  const succeeded = decline === null;
  const card = pm.card;
  return {
    id,
    object: "charge",
    amount: pi.amount,
    amount_captured: succeeded ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: succeeded ? newId("balanceTransaction") : null,
    billing_details: snapshot(pm.billing_details),
    calculated_statement_descriptor: "STRIPE EMULATOR",
    captured: succeeded,
    created: emu.clock.now(),
    currency: pi.currency,
    customer: idOf(pi.customer),
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: snapshot(pi.metadata),
    on_behalf_of: null,
    outcome: outcomeFor(decline),
    paid: succeeded,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: {
      type: "card",
      card: {
        amount_authorized: succeeded ? pi.amount : null,
        authorization_code: succeeded ? String(100000 + Math.floor(Math.random() * 900000)) : null,
        brand: card?.brand ?? null,
        checks: card?.checks ?? null,
        country: card?.country ?? null,
        electronic_commerce_indicator: null,
        exp_month: card?.exp_month ?? 12,
        exp_year: card?.exp_year ?? 2099,
        fingerprint: card?.fingerprint ?? null,
        funding: card?.funding ?? null,
        installments: null,
        last4: card?.last4 ?? null,
        mandate: null,
        network: card?.brand ?? null,
        network_transaction_id: succeeded ? randomBase62(15) : null,
        regulated_status: card?.regulated_status ?? null,
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
    },
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `${emu.publicUrl()}/receipts/${id}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: succeeded ? "succeeded" : "failed",
    transfer_data: null,
    transfer_group: null,
  };
}

export type ConfirmOutcome =
  | { ok: true; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge }
  | { ok: false; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge; decline: CardDecline; paymentMethod: Stripe.PaymentMethod };

/**
 * Confirms `pi` with `pm`: one Charge per attempt. The test card decides the outcome.
 * Success: `charge.succeeded`, `payment_intent.succeeded` (and, with setup_future_usage, the card
 * is attached to the customer). Decline: `charge.failed`, `payment_intent.payment_failed`, and the
 * PaymentIntent goes back to `requires_payment_method` with `last_payment_error`, as in Stripe.
 */
export function confirmPaymentIntent(
  emu: Emulator,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  origin: RequestOrigin,
): ConfirmOutcome {
  const decline = testCardOf(emu, pm)?.onCharge ?? null;
  const charge = buildCharge(emu, pi, pm, decline);
  emu.state.charges[charge.id] = charge;
  pi.latest_charge = charge.id;
  if (decline) {
    pi.status = "requires_payment_method";
    pi.payment_method = null;
    pi.last_payment_error = {
      charge: charge.id,
      code: decline.code as Stripe.PaymentIntent.LastPaymentError.Code,
      ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
      doc_url: `https://docs.stripe.com/error-codes/${decline.code.replaceAll("_", "-")}`,
      message: decline.message,
      payment_method: snapshot(pm),
      type: "card_error",
    };
    emu.emit("charge.failed", charge, origin);
    emu.emit("payment_intent.payment_failed", pi, origin);
    return { ok: false, paymentIntent: pi, charge, decline, paymentMethod: pm };
  }
  pi.status = "succeeded";
  pi.payment_method = pm.id;
  pi.amount_received = pi.amount;
  pi.last_payment_error = null;
  const customer = idOf(pi.customer);
  if (pi.setup_future_usage && customer && idOf(pm.customer) === null) {
    attachPaymentMethod(emu, pm, customer, origin);
  }
  emu.emit("charge.succeeded", charge, origin);
  emu.emit("payment_intent.succeeded", pi, origin);
  return { ok: true, paymentIntent: pi, charge };
}

export function cancelPaymentIntent(
  emu: Emulator,
  pi: Stripe.PaymentIntent,
  reason: Stripe.PaymentIntent.CancellationReason,
  origin: RequestOrigin,
): Stripe.PaymentIntent {
  pi.status = "canceled";
  pi.canceled_at = emu.clock.now();
  pi.cancellation_reason = reason;
  emu.emit("payment_intent.canceled", pi, origin);
  return pi;
}
