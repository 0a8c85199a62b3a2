// Builds Stripe event objects: `{id, object:"event", api_version, created, type, data:{object},
// livemode:false, pending_webhooks, request:{id, idempotency_key}}`.
import type Stripe from "stripe";
import type { RequestOrigin } from "./emulator";
import { newId } from "./ids";
import { snapshot } from "./state";

export function buildEvent(args: {
  type: Stripe.Event.Type;
  object: object;
  origin: RequestOrigin;
  previous?: object;
  apiVersion: string;
  created: number;
  pendingWebhooks: number;
}): Stripe.Event {
  const event = {
    id: newId("event"),
    object: "event" as const,
    api_version: args.apiVersion,
    created: args.created,
    data: {
      object: snapshot(args.object),
      ...(args.previous ? { previous_attributes: snapshot(args.previous) } : {}),
    },
    livemode: false,
    pending_webhooks: args.pendingWebhooks,
    request: { id: args.origin.id, idempotency_key: args.origin.idempotency_key },
    type: args.type,
  };
  // Stripe.Event is a union keyed by `type`; the payload matches whichever member `type` names.
  return event as unknown as Stripe.Event;
}

/** `type` filter of GET /v1/events: exact, or a `*` wildcard such as `invoice.*`. */
export function eventTypeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes("*")) return pattern === type;
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return re.test(type);
}
