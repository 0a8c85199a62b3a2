// Map a saved card's result to a webhook outcome (setup_intent.succeeded, payment_method.attached,
// checkout.session.completed in setup mode all report cards).
import type { SaveCardOutcome } from "../payment-methods";
import type { WebhookOutcome } from "./types";

export function cardOutcome(accountId: string, saved: SaveCardOutcome): WebhookOutcome {
  return saved.outcome === "saved"
    ? { result: "applied", accountId, note: `card saved; tier ${saved.tier}, ${saved.status}` }
    : { result: saved.outcome, accountId, note: saved.note };
}
