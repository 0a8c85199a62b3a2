// Invoice states as people read them (SPEC §4: draft → open → paid | failed (→ paid) | void).
import type { BadgeTone } from "@/components/ui/badge";

export const INVOICE_STATUS: Record<string, { label: string; tone: BadgeTone; help: string }> = {
  draft: { label: "Draft", tone: "neutral", help: "Being prepared; not charged yet." },
  open: { label: "Open", tone: "info", help: "Being charged to your card." },
  paid: { label: "Paid", tone: "success", help: "Paid in full." },
  failed: { label: "Payment failed", tone: "danger", help: "The charge failed: pay it to lift the suspension." },
  void: { label: "Void", tone: "neutral", help: "Cancelled; nothing is due." },
};

type StatusLabel = { label: string; tone: BadgeTone; help: string };

/**
 * How an invoice's state reads, including the two faces of the minimum card charge: a draft with
 * less than $0.50 due is not charged on its own ("Carried forward"), and one whose amount was taken
 * over by a later invoice is settled there ("Carried to <later invoice>").
 */
export function invoiceStatus(inv: { status: string; carriedForward?: boolean; carriedToInvoiceId?: string | null }): StatusLabel {
  if (inv.carriedForward)
    return {
      label: "Carried forward",
      tone: "info",
      help: "Less than $0.50, the smallest amount a card can be charged, is due: it is added to your next invoice, or paid by credits you buy before then.",
    };
  if (inv.status === "paid" && inv.carriedToInvoiceId)
    return { label: "Carried forward", tone: "neutral", help: "Under $0.50, so it was added to a later invoice and is paid there." };
  return INVOICE_STATUS[inv.status] ?? { label: inv.status, tone: "neutral", help: "" };
}

/** Failed and open invoices can be paid on Stripe's hosted page. */
export function isPayable(status: string): boolean {
  return status === "failed" || status === "open";
}

/** An invoice line's quantity (the API's integer string, exact) with separators: "1,440 GPU-minutes". */
export function lineQuantity(quantity: string, unit: string): string {
  const shown = /^-?\d+$/.test(quantity) ? BigInt(quantity).toLocaleString("en-US") : quantity;
  return `${shown} ${unit}`;
}
