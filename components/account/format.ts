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

/** Where the fix for a suspension reason lives in the console (none for a manual suspension). */
export const REASON_ACTION: Record<string, { href: string; label: string } | null> = {
  spend_limit_reached: { href: "/billing#spend-limit", label: "Raise the spend limit" },
  no_payment_method: { href: "/billing#payment-method", label: "Add a card or buy credits" },
  payment_failed: { href: "/invoices", label: "Pay failed invoices" },
  manual: null,
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

/**
 * Progress toward the next tier: "$37.00" more historical spend needed and the share done (0–100).
 * Exact: both figures come from decimal strings compared as integer micro-USD.
 */
export function tierProgress(historicalUsd: string, requiredUsd: string): { percent: number; remaining: string; reached: boolean } {
  const have = parseUsd(historicalUsd);
  const need = parseUsd(requiredUsd);
  if (have >= need) return { percent: 100, remaining: displayUsd(0n), reached: true };
  const percent = need === 0n ? 100 : Number((have * 100n) / need);
  return { percent, remaining: displayUsd(need - have), reached: false };
}

/** "in 3 days" / "today" for the spend period's reset. */
export function resetsIn(iso: string, now = new Date()): string {
  const days = daysUntil(iso, now);
  return days === 0 ? "today" : `in ${days} ${days === 1 ? "day" : "days"}`;
}

/** "12 Mar 2026, 14:05" in the viewer's time zone (or the one given, for tests). */
export function dateTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

/** "12 Mar 2026". */
export function dateOnly(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone }).format(new Date(iso));
}

/** "3 min ago", "2 h ago", "5 days ago", or "never". */
export function timeAgo(iso: string | null, now = new Date()): string {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86_400);
  return `${d} ${d === 1 ? "day" : "days"} ago`;
}
