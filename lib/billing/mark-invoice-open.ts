// Stripe finalized the invoice (the payments side created it for total − paidMicros): draft → open,
// with its Stripe id and hosted page. A late `finalized` never re-opens a failed, paid or void invoice.
import { checkKey } from "./amounts";
import { applyInvoiceEvent, eventTime, INVALID_REF, refIsValid, type InvoiceEventResult, type InvoiceRef } from "./find-invoice";

export async function markInvoiceOpen(
  ref: InvoiceRef,
  opts: { stripeInvoiceId: string; hostedUrl: string; dueAt?: Date; at?: Date; eventCreated?: number; now?: Date },
): Promise<InvoiceEventResult> {
  if (!refIsValid(ref)) return INVALID_REF;
  const key = checkKey(opts.stripeInvoiceId, "stripeInvoiceId");
  if (!key.ok) return { ok: false, reason: "invalid_input", message: key.message };
  if (!/^https?:\/\/\S+$/.test(String(opts.hostedUrl)))
    return { ok: false, reason: "invalid_input", message: "hostedUrl: must be an http(s) URL" };
  const at = eventTime(opts.at, opts.eventCreated);
  if (!at) return { ok: false, reason: "invalid_input", message: "at/eventCreated: must be a valid time" };
  return applyInvoiceEvent(ref, "open", opts.now, async (tx, invoice, t) => {
    if (invoice.stripeInvoiceId && invoice.stripeInvoiceId !== opts.stripeInvoiceId) {
      return { ok: false, reason: "conflict", message: "invoice is already linked to another Stripe invoice" };
    }
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
  });
}
