// payment_method.detached: the card is gone from the customer. The tier stays (tiers never go down
// automatically); with no card and no credits left the account is suspended (`no_payment_method`),
// and with no card left auto top-up is turned off and the owner told (it could never run).
// When it was the default, the newest remaining card becomes the default here and, after commit,
// in Stripe (which cleared the customer's default with the detach).
import { db } from "../../db";
import { removePaymentMethod } from "../../billing/remove-payment-method";
import { log } from "../../log";
import { makeCustomerDefault } from "../payment-methods";
import type { WebhookHandler } from "./types";

export const paymentMethodDetached: WebhookHandler<"payment_method.detached"> = {
  async apply(event) {
    const pm = event.data.object;
    const row = await db().paymentMethod.findUnique({ where: { stripePaymentMethodId: pm.id }, select: { accountId: true } });
    if (!row) return { result: "ignored", accountId: null, note: "card not on file" };
    const { accountId } = row;
    const removed = await removePaymentMethod({ accountId, stripePaymentMethodId: pm.id });
    if (!removed.ok) return { result: "ignored", accountId, note: removed.message };
    const newDefault = removed.newDefault;
    return {
      result: removed.removed ? "applied" : "duplicate",
      accountId,
      note: `${removed.remaining} card(s) left; ${removed.status}`,
      ...(newDefault
        ? {
            // Best effort, logged: without it Stripe finds no card for the next invoice, which then fails
            // like a declined one (the owner pays it on the hosted page).
            afterCommit: () =>
              makeCustomerDefault(accountId, newDefault).catch((err: unknown) =>
                log.warn("could not make the remaining card Stripe's default", { accountId, error: String(err) }),
              ),
          }
        : {}),
    };
  },
};
