// Each Stripe event id is stored once (StripeEvent's primary key), in the same transaction as its
// effect (SPEC §11, STYLE rule 6): process-webhook inserts the row first and applies the handler's
// effect only when the insert took. So the event row and the effect commit together or not at all
// — there is no moment where one exists without the other — and a concurrent delivery of the same
// event waits on the key (PostgreSQL) or on the single connection (PGlite) and then finds it taken.
import type Stripe from "stripe";
import { db } from "../../db";

/** A cheap early answer for redeliveries of a finished event (the insert below is the guarantee). */
export async function isRecorded(eventId: string): Promise<boolean> {
  return (await db().stripeEvent.findUnique({ where: { id: eventId }, select: { id: true } })) !== null;
}

/** Inside the event's transaction: false when another delivery of the same event recorded it first. */
export async function claimEvent(event: Stripe.Event): Promise<boolean> {
  const inserted = await db().stripeEvent.createMany({
    data: [{ id: event.id, type: event.type, created: event.created }],
    skipDuplicates: true,
  });
  return inserted.count === 1;
}

/** Inside the event's transaction, once the handler said which account the event was about. */
export async function noteEventAccount(eventId: string, accountId: string): Promise<void> {
  await db().stripeEvent.update({ where: { id: eventId }, data: { accountId } });
}
