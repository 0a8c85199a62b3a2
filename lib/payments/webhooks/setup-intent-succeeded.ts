// setup_intent.succeeded: a card was saved for off-session use (Checkout in setup mode). Record it
// (Tier 1, lifts `no_payment_method`) and make it the customer's default for invoices.
import { saveCardFromStripe } from "../payment-methods";
import { accountFor } from "./lookup";
import { idOf, type WebhookHandler } from "./types";

export const setupIntentSucceeded: WebhookHandler<"setup_intent.succeeded"> = async (event) => {
  const si = event.data.object;
  const accountId = await accountFor(idOf(si.customer), si.metadata);
  const pmId = idOf(si.payment_method);
  if (!accountId || !pmId) return { result: "ignored", accountId, note: "not a Headroom customer's card" };
  const saved = await saveCardFromStripe({ accountId, paymentMethod: pmId, eventCreated: event.created });
  return saved.outcome === "saved"
    ? { result: "applied", accountId, note: `card saved; tier ${saved.tier}, ${saved.status}` }
    : { result: saved.outcome, accountId, note: saved.note };
};
