// GET /api/v1/quotas's verb: every quota with its value, maximum and current usage.
import { db } from "../db";
import { usdString } from "../money";
import { effectiveSpendLimit, tierCap } from "../billing/tiers";
import { isSamePeriod } from "../billing/period";
import { COUNT_QUOTAS } from "./definitions";

export type QuotaView =
  | { name: "monthly-spend-usd"; value: string | null; max: string | null; usage: string }
  | { name: string; value: number; max: null; usage: number };

export async function listQuotas(accountId: string, now = new Date()): Promise<QuotaView[]> {
  const [account, rows, models, gpus] = await Promise.all([
    db().account.findUniqueOrThrow({
      where: { id: accountId },
      select: { tier: true, spendLimitMicros: true, creditBalanceMicros: true, monthlySpendMicros: true, spendPeriod: true },
    }),
    db().quota.findMany({ where: { accountId }, select: { name: true, value: true } }),
    db().customModel.count({ where: { accountId, deletedAt: null } }),
    db().deployment.groupBy({ by: ["gpuType"], where: { accountId, state: { not: "stopped" } }, _sum: { gpuCount: true } }),
  ]);
  const monthly = isSamePeriod(account.spendPeriod, now) ? account.monthlySpendMicros : 0n;
  const cap = tierCap(account.tier, account.creditBalanceMicros, monthly);
  const limit = effectiveSpendLimit(account.tier, account.spendLimitMicros, account.creditBalanceMicros, monthly);
  const usage: Record<string, number> = {
    "deployed-models": models,
    "a100-gpus": gpus.find((g) => g.gpuType === "A100")?._sum.gpuCount ?? 0,
    "h100-gpus": gpus.find((g) => g.gpuType === "H100")?._sum.gpuCount ?? 0,
  };
  return [
    {
      name: "monthly-spend-usd",
      value: limit === null ? null : usdString(limit),
      max: cap === null ? null : usdString(cap),
      usage: usdString(monthly),
    },
    ...COUNT_QUOTAS.map((q) => ({
      name: q.name,
      value: rows.find((r) => r.name === q.db)?.value ?? q.default,
      max: null,
      usage: usage[q.name] ?? 0,
    })),
  ];
}
