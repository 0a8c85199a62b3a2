// POST /api/v1/invoices/{id}/pay's verb: where the owner pays an open or failed invoice — Stripe's
// hosted invoice page recorded by markInvoiceOpen. Paying there sends `invoice.paid`, which lifts
// `payment_failed` through markInvoicePaid.
import { db } from "../db";

export type InvoicePaymentUrl =
  { ok: true; url: string } | { ok: false; reason: "not_found" | "not_payable" | "no_payment_page"; message: string };

export async function invoicePaymentUrl(accountId: string, invoiceId: string): Promise<InvoicePaymentUrl> {
  const invoice = await db().invoice.findFirst({ where: { id: invoiceId, accountId }, select: { status: true, hostedUrl: true } });
  if (!invoice) return { ok: false, reason: "not_found", message: "No such invoice in this account." };
  if (invoice.status !== "open" && invoice.status !== "failed") {
    return { ok: false, reason: "not_payable", message: `This invoice is ${invoice.status}; only open or failed invoices can be paid.` };
  }
  if (!invoice.hostedUrl)
    return { ok: false, reason: "no_payment_page", message: "This invoice has no payment page yet; try again shortly." };
  return { ok: true, url: invoice.hostedUrl };
}
