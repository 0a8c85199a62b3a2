// payment_intent.payment_failed: an auto top-up charge was declined. runAutoTopUp already notified
// the owner and backs off; this records the failed payment (never over a success of the same key).
import { db } from "../../db";
import { centsOf } from "../cents";
import { upsertPurchasePayment } from "../payment-rows";
import { autoTopUpIntent } from "./lookup";
import type { WebhookHandler } from "./types";

export const paymentIntentPaymentFailed: WebhookHandler<"payment_intent.payment_failed"> = {
  async apply(event) {
    const pi = event.data.object;
    const intent = await autoTopUpIntent(pi);
    if ("ignored" in intent) return { result: "ignored", accountId: null, note: intent.ignored };
    const { purchaseKey, accountId } = intent;
    await upsertPurchasePayment(db(), {
      purchaseKey,
      accountId,
      purpose: "auto_top_up",
      status: "failed",
      amountMicros: centsOf(pi.amount),
      paymentIntentId: pi.id,
      failureMessage: pi.last_payment_error?.message ?? null,
    });
    return { result: "applied", accountId: null, note: pi.last_payment_error?.message ?? "declined" };
  },
};
