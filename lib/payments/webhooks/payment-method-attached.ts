// payment_method.attached: a card was attached to one of our customers (by Checkout, the Dashboard
// or the API). Same effect as setup_intent.succeeded, idempotent on the payment method id.
import { prepareCardSave, recordPreparedCard, type PreparedCard } from "../payment-methods";
import { cardOutcome } from "./card-outcome";
import { accountFor } from "./lookup";
import { idOf, type WebhookHandler } from "./types";

export const paymentMethodAttached: WebhookHandler<"payment_method.attached", PreparedCard | null> = {
  async prepare(event) {
    const pm = event.data.object;
    const accountId = await accountFor(idOf(pm.customer), null);
    if (!accountId) return null;
    return prepareCardSave({ accountId, paymentMethod: pm, eventCreated: event.created });
  },

  async apply(event, prepared) {
    if (!prepared) return { result: "ignored", accountId: null, note: "not a Headroom customer" };
    return cardOutcome(prepared.accountId, await recordPreparedCard(prepared, event.created));
  },
};
