// The webhook dispatch contract: one handler per event type, each in its own file, typed by the
// SDK's event union so a handler sees exactly its event's object.
import type Stripe from "stripe";
import type { Prisma } from "../../db/generated/client";

export type Tx = Prisma.TransactionClient;

export type HandledEventType =
  | "checkout.session.completed"
  | "checkout.session.async_payment_succeeded"
  | "setup_intent.succeeded"
  | "payment_method.attached"
  | "payment_method.detached"
  | "invoice.finalized"
  | "invoice.paid"
  | "invoice.payment_failed"
  | "invoice.voided"
  | "charge.refunded"
  | "payment_intent.succeeded"
  | "payment_intent.payment_failed";

export type EventOf<T extends Stripe.Event["type"]> = Extract<Stripe.Event, { type: T }>;

export type WebhookOutcome =
  | {
      /** applied: it changed something; duplicate: already done; ignored: not ours / nothing to do / stale. */
      result: "applied" | "duplicate" | "ignored";
      /** The account whose state may have changed (its cached state is dropped at once). */
      accountId: string | null;
      note?: string;
      /** Our own bookkeeping for this event (Payment, CheckoutSession rows), run in the event's transaction. */
      record?: (tx: Tx) => Promise<void>;
    }
  | {
      /** Not processable yet (e.g. a refund before its purchase was granted): 503 so Stripe retries. */
      result: "retry";
      accountId: string | null;
      note: string;
    };

export type WebhookHandler<T extends HandledEventType> = (event: EventOf<T>) => Promise<WebhookOutcome>;

export type WebhookHandlers = { [T in HandledEventType]: WebhookHandler<T> };

/** The id of an expandable field (string or object). */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}
