// Resolve an invoice by our id or Stripe's, and lock it for a state change: the account row first
// (the billing lock order), then the invoice is re-read under that lock.
import { db } from "../db";
import type { InvoiceStatus } from "../db/generated/enums";
import { invoiceTransition, type InvoiceEvent, type Transition } from "./invoice-states";
import { lockAccount, type Tx } from "./lock-account";
import { syncSuspension } from "./suspension";

/** Our invoice id, Stripe's invoice id (in_…), or either as a bare string. */
export type InvoiceRef = string | { invoiceId: string } | { stripeInvoiceId: string };

export interface LockedInvoice {
  id: string;
  accountId: string;
  period: Date;
  status: InvoiceStatus;
  totalMicros: bigint;
  paidMicros: bigint;
  stripeInvoiceId: string | null;
  hostedUrl: string | null;
  paidAt: Date | null;
  failedAt: Date | null;
}

const SELECT = {
  id: true,
  accountId: true,
  period: true,
  status: true,
  totalMicros: true,
  paidMicros: true,
  stripeInvoiceId: true,
  hostedUrl: true,
  paidAt: true,
  failedAt: true,
} as const;

export function refWhere(ref: InvoiceRef) {
  if (typeof ref === "string") return { OR: [{ id: ref }, { stripeInvoiceId: ref }] };
  return "invoiceId" in ref ? { id: ref.invoiceId } : { stripeInvoiceId: ref.stripeInvoiceId };
}

export function refIsValid(ref: unknown): ref is InvoiceRef {
  const ok = (v: unknown) => typeof v === "string" && v.length > 0 && v.length <= 255;
  if (typeof ref === "string") return ok(ref);
  if (typeof ref !== "object" || ref === null) return false;
  const r = ref as Record<string, unknown>;
  return "invoiceId" in r ? ok(r.invoiceId) : ok(r.stripeInvoiceId);
}

export async function lockInvoice(tx: Tx, ref: InvoiceRef): Promise<LockedInvoice | null> {
  const first = await tx.invoice.findFirst({ where: refWhere(ref), select: { id: true, accountId: true } });
  if (!first) return null;
  await lockAccount(tx, first.accountId);
  return tx.invoice.findUnique({ where: { id: first.id }, select: SELECT });
}

/** Stripe's `created` (seconds) or a given time, whichever the caller has; invalid → null. */
export function eventTime(at: Date | undefined, eventCreated: number | undefined): Date | null {
  if (at !== undefined) return at instanceof Date && !Number.isNaN(at.getTime()) ? at : null;
  if (eventCreated !== undefined) return Number.isInteger(eventCreated) && eventCreated > 0 ? new Date(eventCreated * 1000) : null;
  return new Date();
}

export type InvoiceEventResult =
  | {
      ok: true;
      /** applied: the state changed; duplicate: it was already in that state; ignored: late/stale event (a newer state stands). */
      outcome: "applied" | "duplicate" | "ignored";
      invoiceId: string;
      accountId: string;
      status: InvoiceStatus;
      accountStatus: "active" | "suspended";
    }
  | { ok: false; reason: "invalid_input" | "not_found" | "conflict"; message: string };

type Refusal = Extract<InvoiceEventResult, { ok: false }>;

/**
 * What every invoice event shares (mark-invoice-open/-failed/-paid, void-invoice): lock the invoice, work out
 * the state transition, let `apply` write what the event means, then re-derive the account's
 * suspension in the same transaction. `apply` may refuse instead (nothing is written then).
 */
export async function applyInvoiceEvent(
  ref: InvoiceRef,
  event: InvoiceEvent,
  now: Date | undefined,
  apply: (tx: Tx, invoice: LockedInvoice, t: Transition) => Promise<Refusal | void>,
): Promise<InvoiceEventResult> {
  return db().$transaction(async (tx) => {
    const invoice = await lockInvoice(tx, ref);
    if (!invoice) return { ok: false as const, reason: "not_found" as const, message: "invoice not found" };
    const t = invoiceTransition(invoice.status, event);
    const refused = await apply(tx, invoice, t);
    if (refused) return refused;
    const sync = await syncSuspension(tx, invoice.accountId, now);
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

export const INVALID_REF: Refusal = {
  ok: false,
  reason: "invalid_input",
  message: "invoice: must be an invoice id or a Stripe invoice id",
};
