// GET /api/v1/invoices[/{id}]'s verbs: an account's invoices with status and line items, money as
// exact decimal strings. Always filtered by the caller's account id (another account's → null).
import { db } from "../db";
import type { Prisma } from "../db/generated/client";
import type { InvoiceStatus } from "../db/generated/enums";
import { usdString } from "../money";
import { belowMinimumCharge } from "./amounts";
import { sortInvoiceLines } from "./invoice-line-order";
import { periodLabel } from "./period";

export interface InvoiceLineView {
  description: string;
  subject: string;
  quantity: string;
  unit: string;
  amountUsd: string;
}

export interface InvoiceView {
  id: string;
  period: string;
  status: InvoiceStatus;
  totalUsd: string;
  paidUsd: string;
  amountDueUsd: string;
  hostedUrl: string | null;
  /**
   * Less than the minimum card charge ($0.50) is due: it is not charged on its own but added to the
   * next month's invoice, or paid by credits bought before then.
   */
  carriedForward: boolean;
  /** The later invoice this one's amount due was added to (it is then paid). */
  carriedToInvoiceId: string | null;
  createdAt: string;
  finalizedAt: string | null;
  paidAt: string | null;
  failedAt: string | null;
}

const SELECT = {
  id: true,
  period: true,
  status: true,
  totalMicros: true,
  paidMicros: true,
  hostedUrl: true,
  stripeInvoiceId: true,
  carriedToId: true,
  createdAt: true,
  finalizedAt: true,
  paidAt: true,
  failedAt: true,
} as const;

type Row = Prisma.InvoiceGetPayload<{ select: typeof SELECT }>;

function view(r: Row): InvoiceView {
  const due = r.status === "paid" || r.status === "void" ? 0n : r.totalMicros - r.paidMicros;
  return {
    id: r.id,
    period: periodLabel(r.period),
    status: r.status,
    totalUsd: usdString(r.totalMicros),
    paidUsd: usdString(r.paidMicros),
    amountDueUsd: usdString(due),
    hostedUrl: r.status === "open" || r.status === "failed" ? r.hostedUrl : null,
    carriedForward: r.status === "draft" && r.stripeInvoiceId === null && belowMinimumCharge(due),
    carriedToInvoiceId: r.carriedToId,
    createdAt: r.createdAt.toISOString(),
    finalizedAt: r.finalizedAt?.toISOString() ?? null,
    paidAt: r.paidAt?.toISOString() ?? null,
    failedAt: r.failedAt?.toISOString() ?? null,
  };
}

export async function listInvoices(accountId: string, opts: { limit?: number } = {}): Promise<InvoiceView[]> {
  const rows = await db().invoice.findMany({
    where: { accountId },
    orderBy: [{ period: "desc" }, { createdAt: "desc" }],
    take: Math.min(Math.max(opts.limit ?? 100, 1), 500),
    select: SELECT,
  });
  return rows.map(view);
}

export async function getInvoice(accountId: string, invoiceId: string): Promise<(InvoiceView & { lines: InvoiceLineView[] }) | null> {
  const row = await db().invoice.findFirst({
    where: { id: invoiceId, accountId },
    select: {
      ...SELECT,
      // Ordered by sortInvoiceLines below, as the Stripe invoice lists them (the cents each line shows depend on it).
      lines: { select: { id: true, description: true, subject: true, quantity: true, unit: true, amountMicros: true } },
    },
  });
  if (!row) return null;
  return {
    ...view(row),
    lines: sortInvoiceLines(row.lines).map((l) => ({
      description: l.description,
      subject: l.subject,
      quantity: l.quantity.toString(),
      unit: l.unit,
      amountUsd: usdString(l.amountMicros),
    })),
  };
}
