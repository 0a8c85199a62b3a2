// payment_method.detached: the card is gone from the customer. The tier stays (tiers never go down
// automatically); with no card and no credits left the account is suspended (`no_payment_method`).
import { db } from "../../db";
import { removePaymentMethod } from "../../billing/remove-payment-method";
import type { WebhookHandler } from "./types";

export const paymentMethodDetached: WebhookHandler<"payment_method.detached"> = async (event) => {
  const pm = event.data.object;
  const row = await db().paymentMethod.findUnique({ where: { stripePaymentMethodId: pm.id }, select: { accountId: true } });
  if (!row) return { result: "ignored", accountId: null, note: "card not on file" };
  const removed = await removePaymentMethod({ accountId: row.accountId, stripePaymentMethodId: pm.id });
  if (!removed.ok) return { result: "ignored", accountId: row.accountId, note: removed.message };
  return {
    result: removed.removed ? "applied" : "duplicate",
    accountId: row.accountId,
    note: `${removed.remaining} card(s) left; ${removed.status}`,
  };
};
