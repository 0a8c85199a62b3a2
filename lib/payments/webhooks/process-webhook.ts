// POST /api/stripe/webhook's work (SPEC §11, STYLE rule 6): raw body → verify the signature (and
// its age: Stripe's default tolerance of 300 s) → the handler's Stripe reads → ONE transaction that
// records the event id and applies its effect → after commit, drop the account's cached state so
// the API sees the change at once. Status codes tell Stripe what to do: 2xx done (or ignored), 400
// never valid (bad signature: nothing recorded), 5xx retry later (nothing recorded, nothing applied).
import Stripe from "stripe";
import { inTransaction } from "../../db";
import { errorSummary, log } from "../../log";
import { forgetAccountState } from "../account-state";
import { stripe, webhookSecret } from "../stripe-client";
import { isHandled, WEBHOOK_HANDLERS } from "./handlers";
import { claimEvent, isRecorded, noteEventAccount } from "./record-event";
import type { WebhookOutcome } from "./types";

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

type Done = Exclude<WebhookOutcome, { result: "retry" }>;

/** The dispatch table's handlers with their event and prepared types erased (the table types them). */
interface AnyHandler {
  prepare?(event: Stripe.Event): Promise<unknown>;
  apply(event: Stripe.Event, prepared: unknown): Promise<WebhookOutcome>;
}

/** Thrown inside the transaction to roll it back when the handler asks Stripe to come back later. */
class Deferred extends Error {
  constructor(readonly note: string) {
    super(note);
  }
}

// Concurrent deliveries of one event queue on its key, and deliveries for one account on its row
// lock: room for a queue of them before the transaction gives up (and Stripe retries).
const TX_OPTIONS = { timeout: 30_000, maxWait: 30_000 } as const;

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
  // Spares a finished event's redelivery the handler's Stripe calls; claimEvent below is the guarantee.
  if (await isRecorded(event.id)) return reply(200, { received: true, result: "duplicate" });
  const handler = WEBHOOK_HANDLERS[event.type] as unknown as AnyHandler;
  const failed = (err: unknown) => {
    log.error("Stripe webhook handler failed; Stripe will retry", {
      eventId: event.id,
      type: event.type,
      error: errorSummary(err),
    });
    return reply(500, { error: "processing failed; retry" });
  };

  // Stripe first, outside the transaction: no network call while it holds locks (or PGlite's connection).
  let prepared: unknown;
  try {
    prepared = handler.prepare ? await handler.prepare(event) : undefined;
  } catch (err) {
    return failed(err);
  }

  // The event row first, then the effect, in one transaction: both commit or neither does.
  let outcome: Done | null;
  try {
    outcome = await inTransaction(async () => {
      if (!(await claimEvent(event))) return null;
      const result = await handler.apply(event, prepared);
      if (result.result === "retry") throw new Deferred(result.note);
      if (result.accountId) await noteEventAccount(event.id, result.accountId);
      return result;
    }, TX_OPTIONS);
  } catch (err) {
    if (!(err instanceof Deferred)) return failed(err);
    log.info("Stripe webhook deferred; Stripe will retry", { eventId: event.id, type: event.type, note: err.note });
    return reply(503, { error: err.note });
  }
  if (!outcome) return reply(200, { received: true, result: "duplicate" });

  // Committed: make this instance's gateway see the new state now (others within its 1 s cache).
  if (outcome.accountId) forgetAccountState(outcome.accountId);
  if (outcome.afterCommit) {
    await outcome.afterCommit().catch((err: unknown) =>
      log.error("a Stripe follow-up of a processed event failed", {
        eventId: event.id,
        type: event.type,
        error: errorSummary(err),
      }),
    );
  }
  if (outcome.result !== "ignored") {
    log.info("Stripe event processed", {
      eventId: event.id,
      type: event.type,
      result: outcome.result,
      accountId: outcome.accountId,
      note: outcome.note,
    });
  }
  return reply(200, { received: true, result: outcome.result });
}
