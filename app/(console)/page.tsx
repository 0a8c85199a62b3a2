// / — overview: tier, status, spend this month vs limit, credit balance, reset date.
import type { Metadata } from "next";
import { requireCaller } from "@/lib/auth/current-caller";
import { getAccountSummary } from "@/lib/billing/get-account-summary";
import { SUSPENSION_FIX } from "@/lib/billing/suspension";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { REASON_LABEL, TIER_LABEL, daysUntil, money, spendPercent } from "@/components/account/format";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const caller = await requireCaller();
  const account = await getAccountSummary(caller.accountId);
  if (!account) return <Alert tone="error">Account not found.</Alert>;
  const pct = spendPercent(account.monthlySpendUsd, account.spendLimitUsd);
  const days = daysUntil(account.periodEndsAt);
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">{account.name}</h1>
        <p className="text-sm text-slate-600">Overview of this month</p>
      </header>

      {account.status === "suspended" && (
        <div data-testid="suspension-banner">
          <Alert tone="error" title="This account is suspended: API requests answer 402.">
            <ul className="mt-1 list-disc pl-5">
              {account.suspensionReasons.map((r) => (
                <li key={r.reason}>
                  {REASON_LABEL[r.reason]} — {SUSPENSION_FIX[r.reason]}
                </li>
              ))}
            </ul>
          </Alert>
        </div>
      )}

      <div className="grid gap-4 sm:grid-cols-3">
        <Card title="Tier">
          <p className="text-2xl font-semibold" data-testid="tier">
            {TIER_LABEL[account.tier]}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            {account.nextTier
              ? `Next: ${TIER_LABEL[account.nextTier.tier]} at ${money(account.nextTier.historicalSpendRequiredUsd)} historical spend`
              : "Top tier"}
          </p>
        </Card>
        <Card title="Status">
          <p className={`text-2xl font-semibold ${account.status === "active" ? "text-emerald-700" : "text-red-700"}`} data-testid="status">
            {account.status === "active" ? "Active" : "Suspended"}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            Resets in {days} {days === 1 ? "day" : "days"}
          </p>
        </Card>
        <Card title="Credit balance">
          <p className="text-2xl font-semibold" data-testid="credit-balance">
            {money(account.creditBalanceUsd)}
          </p>
          <p className="mt-1 text-sm text-slate-600">Used before any invoice</p>
        </Card>
      </div>

      <Card title="Spend this month">
        <div className="flex items-baseline justify-between gap-2">
          <p className="text-xl font-semibold" data-testid="monthly-spend">
            {money(account.monthlySpendUsd)}
          </p>
          <p className="text-sm text-slate-600" data-testid="spend-limit">
            of {account.spendLimitUsd === null ? "no limit" : money(account.spendLimitUsd)}
          </p>
        </div>
        <div
          className="mt-3 h-3 w-full overflow-hidden rounded-full bg-slate-100"
          role="progressbar"
          aria-label="Spend against limit"
          aria-valuenow={pct}
          aria-valuemin={0}
          aria-valuemax={100}
        >
          <div
            className={`h-full ${pct >= 100 ? "bg-red-500" : pct >= 80 ? "bg-amber-500" : "bg-indigo-500"}`}
            style={{ width: `${pct}%` }}
          />
        </div>
        <p className="mt-2 text-xs text-slate-500">
          Credits count against the spend limit. At the limit, API calls answer 402 until you raise it or the month ends.
        </p>
      </Card>
    </div>
  );
}
