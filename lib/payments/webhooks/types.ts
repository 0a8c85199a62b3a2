// The webhook dispatch contract: one handler per event type, each in its own file, typed by the
// SDK's event union so a handler sees exactly its event's object.
import type Stripe from "stripe";
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
  | "refund.updated"
  | "charge.refund.updated"
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
      /**
       * Stripe calls that follow from the effect (e.g. marking a credit-paid invoice paid in Stripe),
       * run once the event's transaction committed. Best effort: each has its own sweeper or
       * repair path, so a failure is logged and does not make Stripe redeliver.
       */
      afterCommit?: () => Promise<void>;
    }
  | {
      /** Not processable yet (e.g. a refund before its purchase was granted): 503 so Stripe retries; nothing is kept. */
      result: "retry";
      accountId: string | null;
      note: string;
    };

/**
 * One event type's work, in two steps so that no network call happens while the event's
 * transaction holds its locks (and, on PGlite, the only connection):
 * - `prepare` (optional) runs first, outside any transaction: the Stripe calls the effect needs.
 *   A throw answers 5xx (Stripe retries) with nothing recorded.
 * - `apply` runs inside the transaction that also records the event id: database only (db() is
 *   that transaction, so the billing verbs it calls commit or roll back with the event row).
 */
export interface WebhookHandler<T extends HandledEventType, P = undefined> {
  prepare?(event: EventOf<T>): Promise<P>;
  apply(event: EventOf<T>, prepared: P): Promise<WebhookOutcome>;
}

export type WebhookHandlers = { [T in HandledEventType]: WebhookHandler<T, unknown> };

/** The id of an expandable field (string or object). */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}
