// Store the budget alerts an account's numbers call for, inside the caller's transaction (the
// gateway calls it after posting charges; billing verbs after changing limits). Cheap: one read
// (skipped when the caller passes the facts) and, only when some threshold is reached, one
// INSERT … ON CONFLICT DO NOTHING — the unique dedupe key makes each alert once per period.
import type { Prisma } from "../db/generated/client";
import { isSamePeriod, monthStart } from "../billing/period";
import { budgetAlertsDue, type AlertFacts } from "./budget-alerts";

type Tx = Prisma.TransactionClient;

export async function loadAlertFacts(tx: Tx, accountId: string, now = new Date()): Promise<AlertFacts | null> {
  const account = await tx.account.findUnique({
    where: { id: accountId },
    select: {
      tier: true,
      spendLimitMicros: true,
      creditBalanceMicros: true,
      monthlySpendMicros: true,
      spendPeriod: true,
      autoTopUp: { select: { enabled: true, thresholdMicros: true } },
    },
  });
  if (!account) return null;
  return {
    accountId,
    tier: account.tier,
    spendLimitMicros: account.spendLimitMicros,
    creditBalanceMicros: account.creditBalanceMicros,
    monthlySpendMicros: isSamePeriod(account.spendPeriod, now) ? account.monthlySpendMicros : 0n,
    period: monthStart(now),
    autoTopUp: account.autoTopUp,
  };
}

/** Returns how many new notifications were stored. */
export async function checkBudgetAlerts(tx: Tx, accountId: string, opts: { now?: Date; facts?: AlertFacts } = {}): Promise<number> {
  const facts = opts.facts ?? (await loadAlertFacts(tx, accountId, opts.now));
  if (!facts) return 0;
  const due = budgetAlertsDue(facts);
  if (due.length === 0) return 0;
  const res = await tx.notification.createMany({
    data: due.map((a) => ({ accountId, kind: a.kind, title: a.title, body: a.body, dedupeKey: a.dedupeKey })),
    skipDuplicates: true,
  });
  return res.count;
}
