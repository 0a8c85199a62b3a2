// An operator (or Stripe `invoice.voided`) cancels an unpaid invoice: → void, final. Credits that
// had already paid part of it go back to the balance (an `adjustment`), its usage stays attached to
// it (never billed again), and a voided failed invoice no longer counts for `payment_failed`.
import { usdString } from "../money";
import { applyInvoiceEvent, eventTime, INVALID_REF, refIsValid, type InvoiceEventResult, type InvoiceRef } from "./find-invoice";
import { periodLabel } from "./period";
import { postLedgerEntry } from "./post-ledger-entry";

export async function voidInvoice(
  ref: InvoiceRef,
  opts: { actorId?: string | null; note?: string; at?: Date; eventCreated?: number; now?: Date } = {},
): Promise<InvoiceEventResult> {
  if (!refIsValid(ref)) return INVALID_REF;
  const at = eventTime(opts.at, opts.eventCreated);
  if (!at) return { ok: false, reason: "invalid_input", message: "at/eventCreated: must be a valid time" };
  return applyInvoiceEvent(ref, "void", opts.now, async (tx, invoice, t) => {
    if (t.outcome === "applied") {
      // Only what credits paid (keys "invoice-payment:credits:…"): a waived fraction of a cent or an
      // amount carried to a later invoice was paid by nobody, so there is nothing to give back for it.
      const fromCredits = await tx.ledgerEntry.aggregate({
        where: { invoiceId: invoice.id, kind: "invoice_payment", idempotencyKey: { startsWith: "invoice-payment:credits:" } },
        _sum: { creditMicros: true },
      });
      const returned = fromCredits._sum.creditMicros ?? 0n;
      if (returned > 0n) {
        await postLedgerEntry(tx, {
          accountId: invoice.accountId,
          kind: "adjustment",
          amountMicros: returned,
          invoiceId: invoice.id,
          idempotencyKey: `invoice-void:${invoice.id}`,
          description: `Invoice ${periodLabel(invoice.period)} voided: credits returned`,
          createdBy: opts.actorId ?? undefined,
          at,
        });
      }
      await tx.invoice.update({ where: { id: invoice.id }, data: { status: "void" } });
      await tx.auditLog.create({
        data: {
          accountId: invoice.accountId,
          actorId: opts.actorId ?? null,
          action: "invoice.voided",
          detail: { invoiceId: invoice.id, from: invoice.status, note: opts.note ?? null, creditsReturnedUsd: usdString(returned) },
        },
      });
    }
  });
}
