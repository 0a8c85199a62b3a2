// Tiers are data (SPEC §3): what qualifies an account and the monthly spend cap each allows.
import type { Tier } from "../db/generated/enums";
import { usd, type Micros } from "../money";

export interface TierRule {
  tier: Tier;
  label: string;
  /** Historical spend needed (null: not reachable by spend). */
  historicalSpendRequired: Micros | null;
  requiresPaymentMethod: boolean;
  /** Monthly spend cap; null = no cap (unlimited) or "the credit balance" for tier0. */
  cap: Micros | null;
}

export const TIER_LADDER: readonly TierRule[] = [
  { tier: "tier0", label: "Trial", historicalSpendRequired: null, requiresPaymentMethod: false, cap: null },
  { tier: "tier1", label: "Tier 1", historicalSpendRequired: 0n, requiresPaymentMethod: true, cap: usd(50) },
  { tier: "tier2", label: "Tier 2", historicalSpendRequired: usd(100), requiresPaymentMethod: false, cap: usd(500) },
  { tier: "tier3", label: "Tier 3", historicalSpendRequired: usd(1_000), requiresPaymentMethod: false, cap: usd(5_000) },
  { tier: "tier4", label: "Tier 4", historicalSpendRequired: usd(10_000), requiresPaymentMethod: false, cap: usd(50_000) },
  { tier: "unlimited", label: "Unlimited", historicalSpendRequired: null, requiresPaymentMethod: false, cap: null },
];

const RANK: Record<Tier, number> = { tier0: 0, tier1: 1, tier2: 2, tier3: 3, tier4: 4, unlimited: 5 };

export function tierRule(tier: Tier): TierRule {
  return TIER_LADDER.find((r) => r.tier === tier)!;
}

export function tierRank(tier: Tier): number {
  return RANK[tier];
}

/** The tier an account qualifies for by its own facts (never `unlimited`: operators set that). */
export function qualifyingTier(historicalSpend: Micros, hasPaymentMethod: boolean): Tier {
  if (historicalSpend >= usd(10_000)) return "tier4";
  if (historicalSpend >= usd(1_000)) return "tier3";
  if (historicalSpend >= usd(100)) return "tier2";
  return hasPaymentMethod ? "tier1" : "tier0";
}

/** Tiers only go up automatically (SPEC §3). */
export function upgradedTier(current: Tier, historicalSpend: Micros, hasPaymentMethod: boolean): Tier {
  const qualified = qualifyingTier(historicalSpend, hasPaymentMethod);
  return tierRank(qualified) > tierRank(current) ? qualified : current;
}

/**
 * The monthly spend cap of a tier. Tier 0 may spend only its credits: its cap is what it has
 * already spent this month plus its credit balance. `null` = no cap.
 */
export function tierCap(tier: Tier, creditBalance: Micros, monthlySpend: Micros): Micros | null {
  if (tier === "tier0") return monthlySpend + (creditBalance > 0n ? creditBalance : 0n);
  return tierRule(tier).cap;
}

/** The spend limit in force: the owner's value (never above the cap) or the cap. null = none. */
export function effectiveSpendLimit(tier: Tier, ownerLimit: Micros | null, creditBalance: Micros, monthlySpend: Micros): Micros | null {
  const cap = tierCap(tier, creditBalance, monthlySpend);
  if (ownerLimit === null) return cap;
  return cap === null || ownerLimit < cap ? ownerLimit : cap;
}

/** The next tier reachable by historical spend, and how much spend it needs. */
export function nextTier(tier: Tier): TierRule | null {
  if (tier === "unlimited" || tier === "tier4") return null;
  const next = TIER_LADDER.find(
    (r) => tierRank(r.tier) > tierRank(tier) && r.historicalSpendRequired !== null && r.historicalSpendRequired > 0n,
  );
  return next ?? null;
}
