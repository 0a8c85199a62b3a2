// /v1/refunds — refund a charge (or a PaymentIntent's charge), fully or partly:
// `charge.refunded` (with the charge's new `amount_refunded`) and `refund.created`. A refund of a
// card that refunds slowly (4000000000007726) starts `pending` and succeeds a minute of emulator
// time later (settlePendingRefunds, run with the emulator's due work): `refund.updated` and
// `charge.refund.updated`, as Stripe sends them.
import type Stripe from "stripe";
import { previousAttributes } from "../core/diff";
import { invalidRequest } from "../core/errors";
import { newId } from "../core/ids";
import { createdFilter, newestFirst, paginate } from "../core/lists";
import { formatAmount } from "../core/money";
import { applyMetadata } from "../core/params";
import { snapshot } from "../core/state";
import type { ApiHandler, Route } from "../http/router";
import { noSuch } from "../core/errors";
import { idOf, requireCharge, requirePaymentIntent } from "../core/lookup";
import { NO_REQUEST, type Emulator } from "../core/emulator";
import { testCardOf } from "../payments/payment-methods";

const REASONS = ["duplicate", "fraudulent", "requested_by_customer"] as const;

const create: ApiHandler = (emu, req) => {
  const p = req.params;
  const chargeId = p.optionalId("charge");
  const piId = p.optionalId("payment_intent");
  if (!chargeId && !piId) {
    throw invalidRequest("One of the following params should be provided for this request: payment_intent or charge.", {
      code: "parameter_missing",
    });
  }
  let charge: Stripe.Charge;
  if (chargeId) {
    charge = requireCharge(emu, chargeId, "charge");
    if (piId && idOf(charge.payment_intent) !== piId) {
      throw invalidRequest(`Charge ${chargeId} does not belong to PaymentIntent ${piId}.`, { param: "payment_intent" });
    }
  } else {
    const pi = requirePaymentIntent(emu, piId ?? "", "payment_intent");
    const latest = idOf(pi.latest_charge);
    if (pi.status !== "succeeded" || !latest) {
      throw invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, {
        param: "payment_intent",
        code: "charge_not_refundable",
      });
    }
    charge = requireCharge(emu, latest, "payment_intent");
  }
  if (charge.status !== "succeeded") {
    throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be refunded.`, { code: "charge_not_refundable" });
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: "charge_already_refunded" });
  }
  const amount = p.int("amount", { min: 1 }) ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
      { param: "amount", code: "amount_too_large" },
    );
  }
  const refund: Stripe.Refund = {
    id: newId("refund"),
    object: "refund",
    amount,
    balance_transaction: newId("balanceTransaction"),
    charge: charge.id,
    created: emu.clock.now(),
    currency: charge.currency,
    customer: idOf(charge.customer),
    customer_account: null,
    destination_details: {
      card: { reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" },
      type: "card",
    },
    metadata: applyMetadata({}, p.metadata()),
    payment_intent: idOf(charge.payment_intent),
    payment_method: charge.payment_method,
    reason: p.enumOf("reason", REASONS) ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: refundsSlowly(emu, charge) ? "pending" : "succeeded",
    transfer_reversal: null,
  };
  emu.state.refunds[refund.id] = refund;
  const before = snapshot(charge);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  emu.emit("charge.refunded", charge, req.origin, previousAttributes(before, charge));
  emu.emit("refund.created", refund, req.origin);
  return refund;
};

/** How long a pending refund stays pending (emulator seconds). */
const PENDING_REFUND_SECONDS = 60;

function refundsSlowly(emu: Emulator, charge: Stripe.Charge): boolean {
  const pmId = typeof charge.payment_method === "string" ? charge.payment_method : null;
  const pm = pmId ? emu.state.paymentMethods[pmId] : undefined;
  return pm ? testCardOf(emu, pm)?.pendingRefunds === true : false;
}

/** Pending refunds a minute old succeed; returns how many did. */
export function settlePendingRefunds(emu: Emulator): number {
  let settled = 0;
  for (const refund of Object.values(emu.state.refunds)) {
    if (refund.status !== "pending" || emu.clock.now() - refund.created < PENDING_REFUND_SECONDS) continue;
    const before = snapshot(refund);
    refund.status = "succeeded";
    const changed = previousAttributes(before, refund);
    emu.emit("refund.updated", refund, NO_REQUEST, changed);
    emu.emit("charge.refund.updated", refund, NO_REQUEST, changed);
    settled++;
  }
  return settled;
}

const retrieve: ApiHandler = (emu, req) => {
  const id = req.pathParams.id ?? "";
  const refund = emu.state.refunds[id];
  if (!refund) throw noSuch("refund", id);
  return refund;
};

const list: ApiHandler = (emu, req) => {
  const p = req.params;
  const charge = p.optionalId("charge");
  const pi = p.optionalId("payment_intent");
  const created = createdFilter(p);
  const items = newestFirst(emu.state.refunds).filter(
    (r) => created(r.created) && (charge === undefined || idOf(r.charge) === charge) && (pi === undefined || idOf(r.payment_intent) === pi),
  );
  return paginate(items, p, "/v1/refunds", "refund");
};

export const refundRoutes: Route<ApiHandler>[] = [
  { method: "POST", pattern: "/v1/refunds", handler: create },
  { method: "GET", pattern: "/v1/refunds", handler: list },
  { method: "GET", pattern: "/v1/refunds/:id", handler: retrieve },
];
