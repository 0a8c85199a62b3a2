// payment_intent.succeeded: for auto top-up charges, grant the credits with the attempt's key —
// the same key runAutoTopUp grants with, so whichever comes first wins and the other is a no-op
// (covers a charge that succeeded while we never heard Stripe's answer). Checkout's own payment
// intents are granted by checkout.session.completed and ignored here.
import { db } from "../../db";
import { grantCredits } from "../../billing/grant-credits";
import { log } from "../../log";
import { usdString } from "../../money";
import { centsOf } from "../cents";
import { upsertPurchasePayment } from "../payment-rows";
import { autoTopUpIntent } from "./lookup";
import type { WebhookHandler } from "./types";

export const paymentIntentSucceeded: WebhookHandler<"payment_intent.succeeded"> = {
  async apply(event) {
    const pi = event.data.object;
    const intent = await autoTopUpIntent(pi);
    if ("ignored" in intent) return { result: "ignored", accountId: null, note: intent.ignored };
    const { purchaseKey, accountId } = intent;
    const amountMicros = centsOf(pi.amount_received || pi.amount);
    const granted = await grantCredits({
      accountId,
      amountMicros,
      idempotencyKey: purchaseKey,
      kind: "credit_purchase",
      description: `Auto top-up ($${usdString(amountMicros)})`,
    });
    if (!granted.ok) {
      log.error("auto top-up payment could not be granted", { paymentIntentId: pi.id, accountId, message: granted.message });
      return { result: "ignored", accountId, note: granted.message };
    }
    await upsertPurchasePayment(db(), {
      purchaseKey,
      accountId,
      purpose: "auto_top_up",
      status: "succeeded",
      amountMicros,
      paymentIntentId: pi.id,
    });
    return {
      result: granted.granted ? "applied" : "duplicate",
      accountId,
      note: granted.granted ? `granted $${usdString(amountMicros)}` : "credits already granted",
    };
  },
};
