// Each Stripe event id is stored once (StripeEvent's primary key), together with our own
// bookkeeping for it, in one transaction. Recorded after its effect committed: a crash in between
// makes Stripe redeliver, and the effect (keyed by its own natural key) is then a no-op.
import type Stripe from "stripe";
import { db } from "../../db";
import type { WebhookOutcome } from "./types";

export async function isRecorded(eventId: string): Promise<boolean> {
  return (await db().stripeEvent.findUnique({ where: { id: eventId }, select: { id: true } })) !== null;
}

/** Returns false when another delivery of the same event recorded it first. */
export async function recordEvent(
  event: Stripe.Event,
  outcome: Extract<WebhookOutcome, { result: "applied" | "duplicate" | "ignored" }>,
): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const inserted = await tx.stripeEvent.createMany({
      data: [{ id: event.id, type: event.type, created: event.created, accountId: outcome.accountId }],
      skipDuplicates: true,
    });
    if (inserted.count === 0) return false;
    if (outcome.record) await outcome.record(tx);
    return true;
  });
}
