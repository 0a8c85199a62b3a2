// GET /api/operator/accounts/{id}/purchases: an account's credit purchases (Checkout and auto
// top-up) as our webhooks recorded them, newest first, with what is left to refund — the ids the
// refund route takes.
import { db } from "../db";
import { usdString } from "../money";
import { purchaseKeyOf } from "./payment-rows";

export interface PurchaseView {
  /** The purchase key: the Checkout Session id (cs_…) or the auto top-up attempt key. */
  id: string;
  purpose: "credits" | "auto_top_up";
  status: string;
  amountUsd: string;
  refundedUsd: string;
  refundableUsd: string;
  paymentIntentId: string | null;
  createdAt: string;
}

/** Null when there is no such account. */
export async function listCreditPurchases(accountId: string, limit = 100): Promise<PurchaseView[] | null> {
  const account = await db().account.findUnique({
    where: { id: accountId },
    select: {
      payments: {
        where: { purpose: { in: ["credits", "auto_top_up"] } },
        orderBy: { createdAt: "desc" },
        take: limit,
        select: {
          id: true,
          purpose: true,
          status: true,
          amountMicros: true,
          refundedMicros: true,
          stripePaymentIntentId: true,
          createdAt: true,
        },
      },
    },
  });
  if (!account) return null;
  return account.payments.flatMap((r) => {
    const id = purchaseKeyOf(r.id);
    if (!id || (r.purpose !== "credits" && r.purpose !== "auto_top_up")) return [];
    const paid = r.status === "succeeded" || r.status === "refunded";
    return [
      {
        id,
        purpose: r.purpose,
        status: r.status,
        amountUsd: usdString(r.amountMicros),
        refundedUsd: usdString(r.refundedMicros),
        refundableUsd: usdString(paid ? r.amountMicros - r.refundedMicros : 0n),
        paymentIntentId: r.stripePaymentIntentId,
        createdAt: r.createdAt.toISOString(),
      },
    ];
  });
}
