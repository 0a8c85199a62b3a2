// payment_method.attached: a card was attached to one of our customers (by Checkout, the Dashboard
// or the API). Same effect as setup_intent.succeeded, idempotent on the payment method id.
import { saveCardFromStripe } from "../payment-methods";
import { accountFor } from "./lookup";
import { idOf, type WebhookHandler } from "./types";

export const paymentMethodAttached: WebhookHandler<"payment_method.attached"> = async (event) => {
  const pm = event.data.object;
  const accountId = await accountFor(idOf(pm.customer), null);
  if (!accountId) return { result: "ignored", accountId: null, note: "not a Headroom customer" };
  const saved = await saveCardFromStripe({ accountId, paymentMethod: pm, eventCreated: event.created });
  return saved.outcome === "saved"
    ? { result: "applied", accountId, note: `card saved; tier ${saved.tier}, ${saved.status}` }
    : { result: saved.outcome, accountId, note: saved.note };
};
