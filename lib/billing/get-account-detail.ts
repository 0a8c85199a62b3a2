// GET /api/operator/accounts/{id} — what an operator needs to decide: the owner's summary plus
// members, suspension history, invoices, auto top-up and recent audit entries.
import { db } from "../db";
import { getAccountSummary, type AccountSummary } from "./get-account-summary";
import { listInvoices, type InvoiceView } from "./list-invoices";
import { getAutoTopUp } from "./auto-top-up-settings";
import { usdString } from "../money";

export interface AccountDetail extends AccountSummary {
  members: { userId: string; email: string; role: string }[];
  suspensionHistory: {
    reason: string;
    detail: string;
    setAt: string;
    setBy: string | null;
    liftedAt: string | null;
    liftedBy: string | null;
    liftNote: string | null;
  }[];
  invoices: InvoiceView[];
  autoTopUp: { enabled: boolean; thresholdUsd: string; amountUsd: string; monthlyMaxUsd: string };
  audit: { action: string; actorId: string | null; detail: unknown; createdAt: string }[];
}

export async function getAccountDetail(accountId: string, now = new Date()): Promise<AccountDetail | null> {
  const summary = await getAccountSummary(accountId, now);
  if (!summary) return null;
  const [members, reasons, invoices, autoTopUp, audit] = await Promise.all([
    db().membership.findMany({
      where: { accountId },
      orderBy: { createdAt: "asc" },
      select: { role: true, user: { select: { id: true, email: true } } },
    }),
    db().suspensionReason.findMany({ where: { accountId }, orderBy: { setAt: "desc" }, take: 50 }),
    listInvoices(accountId, { limit: 24 }),
    getAutoTopUp(accountId, now),
    db().auditLog.findMany({
      where: { accountId },
      orderBy: { createdAt: "desc" },
      take: 50,
      select: { action: true, actorId: true, detail: true, createdAt: true },
    }),
  ]);
  return {
    ...summary,
    members: members.map((m) => ({ userId: m.user.id, email: m.user.email, role: m.role })),
    suspensionHistory: reasons.map((r) => ({
      reason: r.reason,
      detail: r.detail,
      setAt: r.setAt.toISOString(),
      setBy: r.setBy,
      liftedAt: r.liftedAt?.toISOString() ?? null,
      liftedBy: r.liftedBy,
      liftNote: r.liftNote,
    })),
    invoices,
    autoTopUp: {
      enabled: autoTopUp.enabled,
      thresholdUsd: usdString(autoTopUp.thresholdMicros),
      amountUsd: usdString(autoTopUp.amountMicros),
      monthlyMaxUsd: usdString(autoTopUp.monthlyMaxMicros),
    },
    audit: audit.map((a) => ({ action: a.action, actorId: a.actorId, detail: a.detail, createdAt: a.createdAt.toISOString() })),
  };
}
