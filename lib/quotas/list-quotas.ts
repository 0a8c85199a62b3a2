// GET /api/v1/quotas's verb: every quota with its value, maximum and current usage.
import { db } from "../db";
import { usdString } from "../money";
import { effectiveSpendLimit, tierCap } from "../billing/tiers";
import { isSamePeriod } from "../billing/period";
import { COUNT_QUOTAS } from "./definitions";
import { countQuotaUsage, quotaValues } from "./usage";

export type QuotaView =
  | { name: "monthly-spend-usd"; value: string | null; max: string | null; usage: string }
  | { name: string; value: number; max: null; usage: number };

export async function listQuotas(accountId: string, now = new Date()): Promise<QuotaView[]> {
  const [account, values, usage] = await Promise.all([
    db().account.findUniqueOrThrow({
      where: { id: accountId },
      select: { tier: true, spendLimitMicros: true, creditBalanceMicros: true, monthlySpendMicros: true, spendPeriod: true },
    }),
    quotaValues(db(), accountId),
    countQuotaUsage(db(), accountId),
  ]);
  const monthly = isSamePeriod(account.spendPeriod, now) ? account.monthlySpendMicros : 0n;
  const cap = tierCap(account.tier, account.creditBalanceMicros, monthly);
  const limit = effectiveSpendLimit(account.tier, account.spendLimitMicros, account.creditBalanceMicros, monthly);
  return [
    {
      name: "monthly-spend-usd",
      value: limit === null ? null : usdString(limit),
      max: cap === null ? null : usdString(cap),
      usage: usdString(monthly),
    },
    ...COUNT_QUOTAS.map((q) => ({ name: q.name, value: values[q.name], max: null, usage: usage[q.name] })),
  ];
}

/** For operators' look-ups by id (listQuotas assumes the account exists). */
export async function accountExists(accountId: string): Promise<boolean> {
  return (await db().account.count({ where: { id: accountId } })) > 0;
}
