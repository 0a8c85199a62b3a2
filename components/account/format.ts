// Pure formatters for account figures (decimal USD strings in, display text out). No money math
// beyond comparing exact decimals as integers of micro-USD.
import { displayUsd, parseUsd } from "@/lib/money";

export const TIER_LABEL: Record<string, string> = {
  tier0: "Trial",
  tier1: "Tier 1",
  tier2: "Tier 2",
  tier3: "Tier 3",
  tier4: "Tier 4",
  unlimited: "Unlimited",
};

export const REASON_LABEL: Record<string, string> = {
  spend_limit_reached: "Monthly spend limit reached",
  no_payment_method: "No payment method and no credits",
  payment_failed: "An invoice payment failed",
  manual: "Suspended by an operator",
};

export function money(usd: string): string {
  return displayUsd(parseUsd(usd));
}

/** Share of the limit used, 0–100 (integer), from exact decimal strings. */
export function spendPercent(spentUsd: string, limitUsd: string | null): number {
  if (limitUsd === null) return 0;
  const limit = parseUsd(limitUsd);
  if (limit === 0n) return 100;
  const pct = (parseUsd(spentUsd) * 100n) / limit;
  return Number(pct > 100n ? 100n : pct);
}

export function daysUntil(iso: string, now = new Date()): number {
  return Math.max(0, Math.ceil((new Date(iso).getTime() - now.getTime()) / 86_400_000));
}
