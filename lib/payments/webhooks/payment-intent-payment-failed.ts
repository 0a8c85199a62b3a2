// payment_intent.payment_failed: an auto top-up charge was declined. runAutoTopUp already notified
// the owner and backs off; this records the failed payment (never over a success of the same key).
import { db } from "../../db";
import { centsOf } from "../cents";
import { PURCHASE_KEY_METADATA_KEY } from "../charge-saved-card";
import { PURPOSE_METADATA_KEY } from "../checkout";
import { upsertPurchasePayment } from "../payment-rows";
import { accountFor } from "./lookup";
import { idOf, type WebhookHandler } from "./types";

export const paymentIntentPaymentFailed: WebhookHandler<"payment_intent.payment_failed"> = {
  async apply(event) {
    const pi = event.data.object;
    const purchaseKey = pi.metadata?.[PURCHASE_KEY_METADATA_KEY];
    if (pi.metadata?.[PURPOSE_METADATA_KEY] !== "auto_top_up" || !purchaseKey) {
      return { result: "ignored", accountId: null, note: "not an auto top-up" };
    }
    const accountId = await accountFor(idOf(pi.customer), pi.metadata);
    if (!accountId) return { result: "ignored", accountId: null, note: "not a Headroom customer" };
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
