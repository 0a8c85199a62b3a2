"use client";
// The overview's figures, live: tier, status, credits, spend this month against the limit.
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { ProgressBar } from "@/components/ui/progress-bar";
import { TAP_TARGET } from "@/components/ui/tap-target";
import { TIER_LABEL, money, resetsIn, spendPercent, tierProgress } from "./format";
import { useAccount, type Account } from "./hooks/use-account";

export function Overview({ initial }: { initial: Account }) {
  const { data } = useAccount({ initialData: initial });
  const account = data ?? initial;
  const pct = spendPercent(account.monthlySpendUsd, account.spendLimitUsd);
  const progress = account.nextTier ? tierProgress(account.historicalSpendUsd, account.nextTier.historicalSpendRequiredUsd) : null;
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-3">
        <Card title="Tier">
          <p className="text-2xl font-semibold" data-testid="tier">
            {TIER_LABEL[account.tier] ?? account.tier}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            {account.nextTier && progress
              ? `${progress.remaining} more historical spend → ${TIER_LABEL[account.nextTier.tier]}`
              : account.tier === "unlimited"
                ? "No monthly cap"
                : "Top tier reachable by spend"}
          </p>
          <Link href="/billing#tiers" className={`mt-2 inline-block text-sm font-medium text-indigo-700 hover:underline ${TAP_TARGET}`}>
            Tier ladder
          </Link>
        </Card>
        <Card title="Status">
          <p className={`text-2xl font-semibold ${account.status === "active" ? "text-emerald-700" : "text-red-700"}`} data-testid="status">
            {account.status === "active" ? "Active" : "Suspended"}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            {account.status === "active"
              ? "API requests are accepted"
              : `${account.suspensionReasons.length} ${account.suspensionReasons.length === 1 ? "reason" : "reasons"} — see above`}
          </p>
        </Card>
        <Card title="Credit balance">
          <p className="text-2xl font-semibold tabular-nums" data-testid="credit-balance">
            {money(account.creditBalanceUsd)}
          </p>
          <p className="mt-1 text-sm text-slate-600">Used before anything is invoiced</p>
          <Link
            href="/billing#buy-credits"
            className={`mt-2 inline-block text-sm font-medium text-indigo-700 hover:underline ${TAP_TARGET}`}
          >
            Buy credits
          </Link>
        </Card>
      </div>

      <Card title="Spend this month">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <p className="text-xl font-semibold tabular-nums" data-testid="monthly-spend">
            {money(account.monthlySpendUsd)}
          </p>
          <p className="text-sm text-slate-600 tabular-nums" data-testid="spend-limit">
            of {account.spendLimitUsd === null ? "no limit" : money(account.spendLimitUsd)}
          </p>
        </div>
        <div className="mt-3">
          <ProgressBar percent={pct} label="Spend against limit" />
        </div>
        <div className="mt-2 flex flex-wrap items-baseline justify-between gap-2 text-xs text-slate-500">
          <p>
            {pct} % used · resets <span data-testid="resets-in">{resetsIn(account.periodEndsAt)}</span> (1st of the month, UTC)
          </p>
          <Link href="/billing#spend-limit" className={`font-medium text-indigo-700 hover:underline ${TAP_TARGET}`}>
            Change limit
          </Link>
        </div>
        <p className="mt-2 text-xs text-slate-500">
          Credits count against the spend limit. At the limit, API calls answer 402 and deployments stop until you raise it or the month
          ends.
        </p>
      </Card>
    </div>
  );
}
