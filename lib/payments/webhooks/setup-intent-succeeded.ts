// setup_intent.succeeded: a card was saved for off-session use (Checkout in setup mode). Record it
// (Tier 1, lifts `no_payment_method`) and make it the customer's default for invoices.
import { prepareCardSave, recordPreparedCard, type PreparedCard } from "../payment-methods";
import { cardOutcome } from "./card-outcome";
import { accountFor } from "./lookup";
import { idOf, type WebhookHandler } from "./types";

export const setupIntentSucceeded: WebhookHandler<"setup_intent.succeeded", PreparedCard | null> = {
  async prepare(event) {
    const si = event.data.object;
    const accountId = await accountFor(idOf(si.customer), si.metadata);
    const pmId = idOf(si.payment_method);
    if (!accountId || !pmId) return null;
    return prepareCardSave({ accountId, paymentMethod: pmId, eventCreated: event.created });
  },

  async apply(event, prepared) {
    if (!prepared) return { result: "ignored", accountId: null, note: "not a Headroom customer's card" };
    return cardOutcome(prepared.accountId, await recordPreparedCard(prepared, event.created));
  },
};
