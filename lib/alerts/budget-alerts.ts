// Budget alerts (SPEC §4), pure: which alerts an account's numbers call for. Each has a dedupe key
// per account, period and threshold, so storing them with notify() sends each at most once.
//
// Decisions:
// - Spend alerts at 50 %, 80 % and 100 % of the spend limit in force. A trial (Tier 0) has no
//   fixed limit (its cap is its credits), so it gets spend alerts only for a limit its owner set;
//   the low-credit alert covers it. Unlimited accounts without a limit get none.
// - Low credits: when the balance is above zero but below the owner's auto top-up threshold (if
//   auto top-up is enabled — the owner's own idea of "low") or else $1. A balance of exactly zero
//   is the normal state of accounts paying by invoice, so it does not alert every month; running
//   out of credits without a card is reported as a suspension notification instead.
import type { Tier } from "../db/generated/enums";
import { effectiveSpendLimit } from "../billing/tiers";
import { periodLabel } from "../billing/period";
import { usd, usdString, type Micros } from "../money";

export const SPEND_ALERT_PERCENTS = [50, 80, 100] as const;
export const DEFAULT_LOW_CREDIT_THRESHOLD = usd(1);

export interface AlertFacts {
  accountId: string;
  tier: Tier;
  spendLimitMicros: Micros | null;
  creditBalanceMicros: Micros;
  /** Spend of `period` (0 when the account's counter belongs to an older month). */
  monthlySpendMicros: Micros;
  period: Date;
  autoTopUp: { enabled: boolean; thresholdMicros: Micros } | null;
}

export interface AlertDue {
  kind: "budget_alert" | "low_credits";
  threshold: string;
  dedupeKey: string;
  title: string;
  body: string;
}

export function spendLimitForAlerts(
  f: Pick<AlertFacts, "tier" | "spendLimitMicros" | "creditBalanceMicros" | "monthlySpendMicros">,
): Micros | null {
  if (f.tier === "tier0") return f.spendLimitMicros;
  return effectiveSpendLimit(f.tier, f.spendLimitMicros, f.creditBalanceMicros, f.monthlySpendMicros);
}

/** Percent thresholds reached: spend ≥ pct % of limit (exact integer arithmetic). */
export function reachedPercents(spend: Micros, limit: Micros | null): number[] {
  if (limit === null || limit <= 0n) return [];
  return SPEND_ALERT_PERCENTS.filter((pct) => spend * 100n >= limit * BigInt(pct));
}

export function lowCreditThreshold(f: Pick<AlertFacts, "autoTopUp">): Micros {
  return f.autoTopUp?.enabled ? f.autoTopUp.thresholdMicros : DEFAULT_LOW_CREDIT_THRESHOLD;
}

export function budgetAlertsDue(f: AlertFacts): AlertDue[] {
  const label = periodLabel(f.period);
  const alerts: AlertDue[] = [];
  const limit = spendLimitForAlerts(f);
  for (const pct of reachedPercents(f.monthlySpendMicros, limit)) {
    alerts.push({
      kind: "budget_alert",
      threshold: `${pct}%`,
      dedupeKey: `budget:${f.accountId}:${label}:spend:${pct}`,
      title: pct >= 100 ? `Monthly spend limit reached ($${usdString(limit!)})` : `${pct}% of your monthly spend limit used`,
      body:
        pct >= 100
          ? `You have spent $${usdString(f.monthlySpendMicros)} of your $${usdString(limit!)} limit for ${label}. API calls are refused until you raise the limit or the month ends.`
          : `You have spent $${usdString(f.monthlySpendMicros)} of your $${usdString(limit!)} limit for ${label}.`,
    });
  }
  const threshold = lowCreditThreshold(f);
  if (f.creditBalanceMicros > 0n && f.creditBalanceMicros < threshold) {
    alerts.push({
      kind: "low_credits",
      threshold: usdString(threshold),
      dedupeKey: `budget:${f.accountId}:${label}:credits-below:${threshold}`,
      title: `Credit balance below $${usdString(threshold)}`,
      body: `Your credit balance is $${usdString(f.creditBalanceMicros)}. Buy credits${f.autoTopUp?.enabled ? " (auto top-up is on)" : " or turn on auto top-up"} to keep paying from credits.`,
    });
  }
  return alerts;
}

/**
 * After a charge of `cost`: may the account have just reached a spend threshold, or dropped below
 * the default low-credit line? A cheap test for the gateway's meter, which then runs the real check
 * (checkBudgetAlerts, deduplicated) at once instead of leaving it to the minute job. Errs towards
 * yes (the cost may include replays that charged nothing). A low-credit line from auto top-up
 * settings is not known here: that alert stays with the minute job.
 */
export function mayCrossAlert(
  after: Pick<AlertFacts, "tier" | "spendLimitMicros" | "creditBalanceMicros" | "monthlySpendMicros">,
  cost: Micros,
): boolean {
  if (cost <= 0n) return false;
  const limit = spendLimitForAlerts(after);
  if (limit !== null && limit > 0n) {
    const before = after.monthlySpendMicros - cost;
    for (const pct of SPEND_ALERT_PERCENTS) {
      const line = limit * BigInt(pct);
      if (after.monthlySpendMicros * 100n >= line && before * 100n < line) return true;
    }
  }
  const low = DEFAULT_LOW_CREDIT_THRESHOLD;
  return after.creditBalanceMicros > 0n && after.creditBalanceMicros < low && after.creditBalanceMicros + cost >= low;
}
