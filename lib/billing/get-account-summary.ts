// GET /api/v1/account's verb: the account as its owner sees it, money as exact decimal strings.
import { db } from "../db";
import type { SuspensionReasonCode, Tier } from "../db/generated/enums";
import { usdString } from "../money";
import { reasonsInForce } from "./spend-limit-lapsed";
import { effectiveSpendLimit, nextTier } from "./tiers";
import { isSamePeriod, nextMonthStart } from "./period";

export interface AccountSummary {
  id: string;
  name: string;
  tier: Tier;
  status: "active" | "suspended";
  suspensionReasons: { reason: SuspensionReasonCode; detail: string; since: string }[];
  spendLimitUsd: string | null;
  spendLimitCustom: boolean;
  monthlySpendUsd: string;
  creditBalanceUsd: string;
  historicalSpendUsd: string;
  hasPaymentMethod: boolean;
  nextTier: { tier: Tier; historicalSpendRequiredUsd: string } | null;
  periodEndsAt: string;
}

export async function getAccountSummary(accountId: string, now = new Date()): Promise<AccountSummary | null> {
  const account = await db().account.findUnique({
    where: { id: accountId },
    select: {
      id: true,
      name: true,
      tier: true,
      status: true,
      spendLimitMicros: true,
      monthlySpendMicros: true,
      spendPeriod: true,
      creditBalanceMicros: true,
      historicalMicros: true,
      suspensionReasons: { where: { liftedAt: null }, select: { reason: true, detail: true, setAt: true }, orderBy: { setAt: "asc" } },
      _count: { select: { paymentMethods: { where: { detachedAt: null } } } },
    },
  });
  if (!account) return null;
  const monthly = isSamePeriod(account.spendPeriod, now) ? account.monthlySpendMicros : 0n;
  const limit = effectiveSpendLimit(account.tier, account.spendLimitMicros, account.creditBalanceMicros, monthly);
  const next = nextTier(account.tier);
  // As the gateway sees it: a new month has lifted spend_limit_reached even before the month-close job re-derives it.
  const held = reasonsInForce(account, now);
  return {
    id: account.id,
    name: account.name,
    tier: account.tier,
    status: held.status,
    suspensionReasons: held.reasons.map((r) => ({ reason: r.reason, detail: r.detail, since: r.setAt.toISOString() })),
    spendLimitUsd: limit === null ? null : usdString(limit),
    spendLimitCustom: account.spendLimitMicros !== null,
    monthlySpendUsd: usdString(monthly),
    creditBalanceUsd: usdString(account.creditBalanceMicros),
    historicalSpendUsd: usdString(account.historicalMicros),
    hasPaymentMethod: account._count.paymentMethods > 0,
    nextTier: next ? { tier: next.tier, historicalSpendRequiredUsd: usdString(next.historicalSpendRequired ?? 0n) } : null,
    periodEndsAt: nextMonthStart(now).toISOString(),
  };
}
