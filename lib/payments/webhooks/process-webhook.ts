// POST /api/stripe/webhook's work (SPEC §11, STYLE rule 6): raw body → verify the signature (and
// its age: Stripe's default tolerance of 300 s) → dispatch by type → record the event id → drop the
// account's cached state so the API sees the change at once. Status codes tell Stripe what to do:
// 2xx done (or ignored), 400 never valid (bad signature: nothing recorded), 5xx retry later.
import Stripe from "stripe";
import { log } from "../../log";
import { forgetAccountState } from "../account-state";
import { stripe, webhookSecret } from "../stripe-client";
import { isHandled, WEBHOOK_HANDLERS } from "./handlers";
import { isRecorded, recordEvent } from "./record-event";
import type { WebhookOutcome } from "./types";

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

const reply = (status: number, body: Record<string, unknown>): WebhookResponse => ({ status, body });

export async function processWebhook(rawBody: Buffer, signature: string | null): Promise<WebhookResponse> {
  const secret = webhookSecret();
  if (!secret) {
    log.error("Stripe webhook received but STRIPE_WEBHOOK_SECRET is not set: cannot verify it");
    return reply(500, { error: "webhook signing secret not configured" });
  }
  if (!signature) return reply(400, { error: "missing Stripe-Signature header" });
  let event: Stripe.Event;
  try {
    event = stripe().webhooks.constructEvent(rawBody, signature, secret);
  } catch (err) {
    const message = err instanceof Error ? err.message : "invalid signature";
    log.warn("Stripe webhook refused", { reason: message.split("\n")[0] });
    return reply(400, { error: "invalid signature" });
  }
  if (!isHandled(event.type)) return reply(200, { received: true, result: "ignored" });
  if (await isRecorded(event.id)) return reply(200, { received: true, result: "duplicate" });

  let outcome: WebhookOutcome;
  try {
    const handler = WEBHOOK_HANDLERS[event.type] as (e: Stripe.Event) => Promise<WebhookOutcome>;
    outcome = await handler(event);
  } catch (err) {
    log.error("Stripe webhook handler failed; Stripe will retry", {
      eventId: event.id,
      type: event.type,
      error: err instanceof Error ? err.message : String(err),
    });
    return reply(500, { error: "processing failed; retry" });
  }
  if (outcome.result === "retry") {
    log.info("Stripe webhook deferred; Stripe will retry", { eventId: event.id, type: event.type, note: outcome.note });
    return reply(503, { error: outcome.note });
  }
  let first: boolean;
  try {
    first = await recordEvent(event, outcome);
  } catch (err) {
    log.error("recording a Stripe event failed; Stripe will retry", {
      eventId: event.id,
      error: err instanceof Error ? err.message : String(err),
    });
    return reply(500, { error: "recording failed; retry" });
  }
  // Committed: make this instance's gateway see the new state now (others within its 1 s cache).
  if (outcome.accountId) forgetAccountState(outcome.accountId);
  if (outcome.result !== "ignored") {
    log.info("Stripe event processed", {
      eventId: event.id,
      type: event.type,
      result: outcome.result,
      accountId: outcome.accountId,
      note: outcome.note,
    });
  }
  return reply(200, { received: true, result: first ? outcome.result : "duplicate" });
}
