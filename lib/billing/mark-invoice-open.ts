// Stripe finalized the invoice (the payments side created it for total − paidMicros): draft → open,
// with its Stripe id and hosted page. A late `finalized` never re-opens a failed, paid or void invoice.
import { db } from "../db";
import { checkKey } from "./amounts";
import { eventTime, lockInvoice, refIsValid, type InvoiceEventResult, type InvoiceRef } from "./find-invoice";
import { invoiceTransition } from "./invoice-states";
import { syncSuspension } from "./suspension";

export async function markInvoiceOpen(
  ref: InvoiceRef,
  opts: { stripeInvoiceId: string; hostedUrl: string; dueAt?: Date; at?: Date; eventCreated?: number; now?: Date },
): Promise<InvoiceEventResult> {
  if (!refIsValid(ref)) return { ok: false, reason: "invalid_input", message: "invoice: must be an invoice id or a Stripe invoice id" };
  const key = checkKey(opts.stripeInvoiceId, "stripeInvoiceId");
  if (!key.ok) return { ok: false, reason: "invalid_input", message: key.message };
  if (!/^https?:\/\/\S+$/.test(String(opts.hostedUrl)))
    return { ok: false, reason: "invalid_input", message: "hostedUrl: must be an http(s) URL" };
  const at = eventTime(opts.at, opts.eventCreated);
  if (!at) return { ok: false, reason: "invalid_input", message: "at/eventCreated: must be a valid time" };
  return db().$transaction(async (tx) => {
    const invoice = await lockInvoice(tx, ref);
    if (!invoice) return { ok: false as const, reason: "not_found" as const, message: "invoice not found" };
    if (invoice.stripeInvoiceId && invoice.stripeInvoiceId !== opts.stripeInvoiceId) {
      return { ok: false as const, reason: "conflict" as const, message: "invoice is already linked to another Stripe invoice" };
    }
    const t = invoiceTransition(invoice.status, "open");
    // The link to Stripe is metadata, recorded whatever the state (a late event still tells us the URL).
    await tx.invoice.update({
      where: { id: invoice.id },
      data: {
        stripeInvoiceId: opts.stripeInvoiceId,
        hostedUrl: opts.hostedUrl,
        ...(opts.dueAt ? { dueAt: opts.dueAt } : {}),
        ...(t.outcome === "applied" ? { status: t.to, finalizedAt: at } : {}),
      },
    });
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
