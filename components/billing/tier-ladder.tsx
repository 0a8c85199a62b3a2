"use client";
// The tier ladder: what qualifies each tier, its monthly cap, where the account stands and how much
// historical spend the next tier needs ("$37.00 more historical spend → Tier 3").
import { Badge } from "@/components/ui/badge";
import { ProgressBar } from "@/components/ui/progress-bar";
import { TIER_LABEL, money, tierProgress } from "@/components/account/format";
import type { Account } from "@/components/account/hooks/use-account";
import { ladderRows } from "./format";

export function TierLadder({ account }: { account: Account }) {
  const next = account.nextTier;
  const progress = next ? tierProgress(account.historicalSpendUsd, next.historicalSpendRequiredUsd) : null;
  const rows = ladderRows(account.tier, next?.tier ?? null);
  return (
    <div className="space-y-4">
      <div className="min-h-16">
        {next && progress ? (
          <>
            <p className="text-sm text-slate-700" data-testid="next-tier">
              <span className="font-semibold tabular-nums">{progress.remaining}</span> more historical spend → {TIER_LABEL[next.tier]}
            </p>
            <div className="mt-2">
              <ProgressBar percent={progress.percent} label={`Progress to ${TIER_LABEL[next.tier]}`} tone="emerald" />
            </div>
            <p className="mt-1 text-xs text-slate-500 tabular-nums">
              {money(account.historicalSpendUsd)} of {money(next.historicalSpendRequiredUsd)} — credit purchases and paid invoices count;
              promotional credit does not.
              {account.tier === "tier0" && " Adding a card moves you to Tier 1 at once."}
            </p>
          </>
        ) : (
          <p className="text-sm text-slate-700" data-testid="next-tier">
            {account.tier === "unlimited"
              ? "Unlimited: no monthly cap."
              : "Tier 4 is the highest tier reachable by spend; an operator can set Unlimited."}
          </p>
        )}
      </div>
      <ol className="grid gap-2 sm:grid-cols-3 lg:grid-cols-6" aria-label="Tier ladder">
        {rows.map((r) => (
          <li
            key={r.tier}
            aria-current={r.state === "current" ? "step" : undefined}
            className={`rounded-md p-3 text-sm ring-1 ${r.state === "current" ? "bg-indigo-50 ring-indigo-300" : r.state === "done" ? "bg-slate-50 ring-slate-200" : "bg-white ring-slate-200"}`}
          >
            <p className="flex items-center justify-between gap-1 font-semibold">
              {r.label}
              {r.state === "current" && <Badge tone="info">you</Badge>}
              {r.state === "next" && <Badge tone="success">next</Badge>}
            </p>
            <p className="mt-1 text-xs text-slate-600">{r.qualifies}</p>
            <p className="mt-1 text-xs font-medium text-slate-800">{r.cap}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}
