// Stripe collected an invoice by card that credits had already paid here. It happens when the
// invoice's `invoice.paid` is late (our webhook endpoint down or slow, Stripe retrying) while new
// credits — a Checkout purchase or an auto top-up — pay the invoice we still see open or failed:
// the customer has then paid twice. The card payment stands (Stripe holds that money), so the
// credits that paid the invoice go back to the balance and the card payment is recorded as the
// invoice's payment (historical spend), in one ledger entry:
//
//   invoice_payment  amountMicros +X  creditMicros −X  invoiceMicros +X   (X back to credits, X paid by card)
//
// Its key is the invoice's external-payment key — the one markInvoicePaid uses when the card pays
// first — so this happens at most once per invoice, whichever of the webhook and the settle sweep
// notices first, and the sweep no longer tries to mark the invoice paid out of band.
import { notify } from "../alerts/notify";
import { db } from "../db";
import { usdString } from "../money";
import { applyTierUpgrade } from "./apply-tier-upgrade";
import { lockInvoice, type InvoiceRef } from "./find-invoice";
import { periodLabel } from "./period";
import { postLedgerEntry } from "./post-ledger-entry";
import { syncSuspension } from "./suspension";

const MICROS_PER_CENT = 10_000n;

export type CardAfterCreditsResult =
  | { outcome: "returned"; invoiceId: string; accountId: string; returnedMicros: bigint }
  | { outcome: "not_needed"; reason: "not_found" | "not_paid" | "card_payment_recorded" | "not_paid_from_credits" | "nothing_collected" };

export const externalPaymentKey = (invoiceId: string) => `invoice-payment:external:${invoiceId}`;
const creditPaymentKeyPrefix = (invoiceId: string) => `invoice-payment:credits:${invoiceId}:`;

/**
 * `collectedCents`: what Stripe collected for the invoice other than out of band (amount_paid −
 * amount_paid_off_stripe). Zero: Stripe was settled out of band (by us), nothing to return.
 */
export async function recordCardPaymentAfterCredits(
  ref: InvoiceRef,
  collectedCents: bigint,
  now = new Date(),
): Promise<CardAfterCreditsResult> {
  if (collectedCents <= 0n) return { outcome: "not_needed", reason: "nothing_collected" };
  return db().$transaction(async (tx) => {
    const invoice = await lockInvoice(tx, ref);
    if (!invoice) return { outcome: "not_needed", reason: "not_found" } as const;
    if (invoice.status !== "paid") return { outcome: "not_needed", reason: "not_paid" } as const;
    const recorded = await tx.ledgerEntry.findUnique({ where: { idempotencyKey: externalPaymentKey(invoice.id) }, select: { id: true } });
    if (recorded) return { outcome: "not_needed", reason: "card_payment_recorded" } as const;
    // Open and failed invoices are paid from credits only in whole (pay-invoices-from-credits.ts), so
    // the latest credit payment is the one that paid what Stripe was asked for; earlier ones paid
    // part of the draft and were never on the Stripe invoice.
    const last = await tx.ledgerEntry.findFirst({
      where: {
        accountId: invoice.accountId,
        invoiceId: invoice.id,
        kind: "invoice_payment",
        idempotencyKey: { startsWith: creditPaymentKeyPrefix(invoice.id) },
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { creditMicros: true },
    });
    if (!last || last.creditMicros <= 0n) return { outcome: "not_needed", reason: "not_paid_from_credits" } as const;
    // The card paid the same amount to the cent (Stripe charges whole cents); should it have paid
    // less, only what it paid goes back.
    const collected = collectedCents * MICROS_PER_CENT;
    const returned = collected + MICROS_PER_CENT > last.creditMicros ? last.creditMicros : collected;
    const label = periodLabel(invoice.period);
    await postLedgerEntry(tx, {
      accountId: invoice.accountId,
      kind: "invoice_payment",
      amountMicros: returned,
      creditMicros: -returned,
      invoiceMicros: returned,
      historicalMicros: returned,
      invoiceId: invoice.id,
      idempotencyKey: externalPaymentKey(invoice.id),
      description: `Invoice ${label} collected by card after credits had paid it: $${usdString(returned)} of credits returned`,
      at: now,
    });
    await tx.auditLog.create({
      data: {
        accountId: invoice.accountId,
        action: "invoice.collected_after_credits",
        detail: { invoiceId: invoice.id, collectedCents: collectedCents.toString(), returnedUsd: usdString(returned) },
      },
    });
    await notify(tx, {
      accountId: invoice.accountId,
      kind: "invoice_paid",
      title: `Invoice ${label}: credits returned`,
      body: `Your card was charged for this invoice after your credits had paid it. The $${usdString(returned)} of credits are back in your balance.`,
      dedupeKey: `invoice:${invoice.id}:collected-after-credits`,
    });
    await applyTierUpgrade(tx, invoice.accountId, now);
    await syncSuspension(tx, invoice.accountId, now);
    return { outcome: "returned", invoiceId: invoice.id, accountId: invoice.accountId, returnedMicros: returned } as const;
  });
}
