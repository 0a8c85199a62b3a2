// Payment rows: our record of each Stripe payment for credits (Checkout or auto top-up) — what the
// operator's purchases list shows and what a refund (ours or a Dashboard one, `charge.refunded`)
// looks the purchase up by. A credit purchase's row id is derived from its purchase key ("pay_" +
// the Checkout Session id or auto top-up key), so a later `charge.refunded` finds the key the
// credits were granted with from the PaymentIntent alone.
//
// Written by whichever learns of the payment first — the webhook that reports it, or auto top-up's
// own grant with the PaymentIntent its charge returned — each in the same transaction as the grant.
// So the write is idempotent on the row id (the purchase key), enforced by the primary key (ON
// CONFLICT DO NOTHING), not by a read-then-write: the second writer changes nothing and never fails.
// (A conflict on the PaymentIntent id alone — another key's row — is skipped the same way: it would
// be a bug elsewhere, and must not roll back the grant of a charge that succeeded.)
// Lives in billing, not payments, because auto top-up's grant (lib/billing) writes it too, and
// billing does not import payments.
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

/** Create, or mark succeeded; a payment that succeeded (or was refunded) never goes back to failed. */
export async function upsertPurchasePayment(tx: Tx, p: PurchasePayment): Promise<void> {
  const id = paymentRowId(p.purchaseKey);
  const created = await tx.payment.createMany({
    data: [
      {
        id,
        accountId: p.accountId,
        purpose: p.purpose,
        status: p.status,
        amountMicros: p.amountMicros,
        stripePaymentIntentId: p.paymentIntentId,
        failureMessage: p.failureMessage ?? null,
      },
    ],
    skipDuplicates: true,
  });
  if (created.count > 0 || p.status !== "succeeded") return;
  await tx.payment.updateMany({ where: { id, status: "failed" }, data: { status: "succeeded", failureMessage: null } });
}
