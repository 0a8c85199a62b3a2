// refund.updated and charge.refund.updated: a refund's status changed. One that was pending when
// charge.refunded arrived (only succeeded refunds are applied) has now succeeded: its credits are
// taken back now (apply-refunds.ts, once per refund id). Failed or cancelled: nothing had been taken.
import type Stripe from "stripe";
import { stripe } from "../stripe-client";
import { applyRefunds, refundsOf } from "./apply-refunds";
import { idOf, type EventOf, type WebhookHandler } from "./types";

type Prepared = { charge: Stripe.Charge; refunds: Stripe.Refund[] } | null;

async function prepare(event: EventOf<"refund.updated" | "charge.refund.updated">): Promise<Prepared> {
  const chargeId = idOf(event.data.object.charge);
  if (!chargeId) return null;
  const [charge, refunds] = await Promise.all([stripe().charges.retrieve(chargeId), refundsOf(chargeId)]);
  return { charge, refunds };
}

async function apply(event: EventOf<"refund.updated" | "charge.refund.updated">, prepared: Prepared) {
  if (!prepared) return { result: "ignored" as const, accountId: null, note: "refund of no charge" };
  if (event.data.object.status !== "succeeded")
    return { result: "ignored" as const, accountId: null, note: `refund ${event.data.object.status}` };
  return applyRefunds(prepared.charge, prepared.refunds);
}

export const refundUpdated: WebhookHandler<"refund.updated", Prepared> = { prepare, apply };
export const chargeRefundUpdated: WebhookHandler<"charge.refund.updated", Prepared> = { prepare, apply };
