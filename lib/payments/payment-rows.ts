// Payment rows: our record of each Stripe payment for credits (Checkout or auto top-up), written in
// the same transaction as the webhook event that reported it. A credit purchase's row id is derived
// from its purchase key ("pay_" + the Checkout Session id or auto top-up key), so a later
// `charge.refunded` finds the key the credits were granted with from the PaymentIntent alone.
import type { Prisma } from "../db/generated/client";
import type { PaymentPurpose, PaymentStatus } from "../db/generated/enums";

type Tx = Prisma.TransactionClient;

export const paymentRowId = (purchaseKey: string) => `pay_${purchaseKey}`;
export const purchaseKeyOf = (paymentRowId: string): string | null => (paymentRowId.startsWith("pay_") ? paymentRowId.slice(4) : null);

export interface PurchasePayment {
  purchaseKey: string;
  accountId: string;
  purpose: Extract<PaymentPurpose, "credits" | "auto_top_up">;
  status: Extract<PaymentStatus, "succeeded" | "failed">;
  amountMicros: bigint;
  paymentIntentId: string;
  failureMessage?: string | null;
}

/** Create or update; a payment that succeeded (or was refunded) never goes back to failed. */
export async function upsertPurchasePayment(tx: Tx, p: PurchasePayment): Promise<void> {
  const id = paymentRowId(p.purchaseKey);
  const existing = await tx.payment.findUnique({ where: { id }, select: { status: true } });
  if (!existing) {
    await tx.payment.create({
      data: {
        id,
        accountId: p.accountId,
        purpose: p.purpose,
        status: p.status,
        amountMicros: p.amountMicros,
        stripePaymentIntentId: p.paymentIntentId,
        failureMessage: p.failureMessage ?? null,
      },
    });
    return;
  }
  if (existing.status === "failed" && p.status === "succeeded") {
    await tx.payment.update({ where: { id }, data: { status: "succeeded", failureMessage: null } });
  }
}
