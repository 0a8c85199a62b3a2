// Invoice lifecycle as a table (SPEC §4): draft → open → paid | failed (→ paid) | void.
// `paid` and `void` are final, so a late or duplicate webhook can never move an invoice back
// (a `payment_failed` delivered after `paid` is ignored). Each invoice has its own state and
// `payment_failed` is derived from "any invoice failed", so a late `invoice.paid` for an old
// invoice changes that invoice only and cannot lift a newer invoice's failure (SPEC §5).
import type { InvoiceStatus } from "../db/generated/enums";

export type InvoiceEvent = "open" | "fail" | "pay" | "void";

/** applied: move to `to`; duplicate: already there (refresh timestamps at most); ignored: stale or not allowed. */
export type Transition = { outcome: "applied"; to: InvoiceStatus } | { outcome: "duplicate" | "ignored"; to: InvoiceStatus };

const TABLE: Record<InvoiceStatus, Record<InvoiceEvent, InvoiceStatus | "duplicate" | "ignored">> = {
  draft: { open: "open", fail: "failed", pay: "paid", void: "void" },
  open: { open: "duplicate", fail: "failed", pay: "paid", void: "void" },
  // A failed invoice stays failed until paid: a late `finalized`/`open` does not un-fail it.
  failed: { open: "ignored", fail: "duplicate", pay: "paid", void: "void" },
  paid: { open: "ignored", fail: "ignored", pay: "duplicate", void: "ignored" },
  void: { open: "ignored", fail: "ignored", pay: "ignored", void: "duplicate" },
};

export function invoiceTransition(from: InvoiceStatus, event: InvoiceEvent): Transition {
  const cell = TABLE[from][event];
  if (cell === "duplicate" || cell === "ignored") return { outcome: cell, to: from };
  return { outcome: "applied", to: cell };
}

/** The state reached from `from` by delivering `events` in order (used by tests and replay tools). */
export function replayInvoice(from: InvoiceStatus, events: readonly InvoiceEvent[]): InvoiceStatus {
  return events.reduce((state, event) => invoiceTransition(state, event).to, from);
}

export const OPEN_BALANCE_STATES: readonly InvoiceStatus[] = ["open", "failed"];
