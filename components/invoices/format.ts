// Invoice states as people read them (SPEC §4: draft → open → paid | failed (→ paid) | void).
import type { BadgeTone } from "@/components/ui/badge";

export const INVOICE_STATUS: Record<string, { label: string; tone: BadgeTone; help: string }> = {
  draft: { label: "Draft", tone: "neutral", help: "Being prepared; not charged yet." },
  open: { label: "Open", tone: "info", help: "Being charged to your card." },
  paid: { label: "Paid", tone: "success", help: "Paid in full." },
  failed: { label: "Payment failed", tone: "danger", help: "The charge failed: pay it to lift the suspension." },
  void: { label: "Void", tone: "neutral", help: "Cancelled; nothing is due." },
};

/** Failed and open invoices can be paid on Stripe's hosted page. */
export function isPayable(status: string): boolean {
  return status === "failed" || status === "open";
}

/** An invoice line's quantity (the API's integer string, exact) with separators: "1,440 GPU-minutes". */
export function lineQuantity(quantity: string, unit: string): string {
  const shown = /^-?\d+$/.test(quantity) ? BigInt(quantity).toLocaleString("en-US") : quantity;
  return `${shown} ${unit}`;
}
