// An operator (or Stripe `invoice.voided`) cancels an unpaid invoice: → void, final. Credits that
// had already paid part of it go back to the balance (an `adjustment`), its usage stays attached to
// it (never billed again), and a voided failed invoice no longer counts for `payment_failed`.
import { db } from "../db";
import { usdString } from "../money";
import { eventTime, lockInvoice, refIsValid, type InvoiceEventResult, type InvoiceRef } from "./find-invoice";
import { invoiceTransition } from "./invoice-states";
import { periodLabel } from "./period";
import { postLedgerEntry } from "./post-ledger-entry";
import { syncSuspension } from "./suspension";

export async function voidInvoice(
  ref: InvoiceRef,
  opts: { actorId?: string | null; note?: string; at?: Date; eventCreated?: number; now?: Date } = {},
): Promise<InvoiceEventResult> {
  if (!refIsValid(ref)) return { ok: false, reason: "invalid_input", message: "invoice: must be an invoice id or a Stripe invoice id" };
  const at = eventTime(opts.at, opts.eventCreated);
  if (!at) return { ok: false, reason: "invalid_input", message: "at/eventCreated: must be a valid time" };
  return db().$transaction(async (tx) => {
    const invoice = await lockInvoice(tx, ref);
    if (!invoice) return { ok: false as const, reason: "not_found" as const, message: "invoice not found" };
    const t = invoiceTransition(invoice.status, "void");
    if (t.outcome === "applied") {
      const fromCredits = await tx.ledgerEntry.aggregate({
        where: { invoiceId: invoice.id, kind: "invoice_payment" },
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
    const sync = await syncSuspension(tx, invoice.accountId, opts.now);
    return {
      ok: true as const,
      outcome: t.outcome,
      invoiceId: invoice.id,
      accountId: invoice.accountId,
      status: t.to,
      accountStatus: sync.status,
    };
  });
}
