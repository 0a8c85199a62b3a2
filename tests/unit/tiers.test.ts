import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { effectiveSpendLimit, nextTier, qualifyingTier, tierCap, tierRank, upgradedTier } from "@/lib/billing/tiers";
import { spendCeiling } from "@/lib/billing/spend-ceiling";
import { usd } from "@/lib/money";
import type { Tier } from "@/lib/db/generated/enums";

describe("tiers (SPEC §3)", () => {
  it("qualifies by payment method and historical spend", () => {
    expect(qualifyingTier(0n, false)).toBe("tier0");
    expect(qualifyingTier(0n, true)).toBe("tier1");
    expect(qualifyingTier(usd(100), false)).toBe("tier2");
    expect(qualifyingTier(usd(100) - 1n, true)).toBe("tier1");
    expect(qualifyingTier(usd(1_000), true)).toBe("tier3");
    expect(qualifyingTier(usd(10_000), true)).toBe("tier4");
  });

  it("a Tier 1 account buying $100 of credits becomes Tier 2 with a $500 cap", () => {
    const tier = upgradedTier("tier1", usd(100), true);
    expect(tier).toBe("tier2");
    expect(tierCap(tier, usd(100), 0n)).toBe(usd(500));
  });

  it("never downgrades automatically, and leaves unlimited alone", () => {
    const tiers: Tier[] = ["tier0", "tier1", "tier2", "tier3", "tier4", "unlimited"];
    fc.assert(
      fc.property(fc.constantFrom(...tiers), fc.bigInt({ min: 0n, max: usd(20_000) }), fc.boolean(), (tier, spend, pm) => {
        expect(tierRank(upgradedTier(tier, spend, pm))).toBeGreaterThanOrEqual(tierRank(tier));
      }),
    );
    expect(upgradedTier("unlimited", 0n, false)).toBe("unlimited");
  });

  it("the owner's limit never exceeds the cap; a trial's cap is its credits", () => {
    expect(effectiveSpendLimit("tier1", null, 0n, 0n)).toBe(usd(50));
    expect(effectiveSpendLimit("tier1", usd(20), 0n, 0n)).toBe(usd(20));
    expect(effectiveSpendLimit("tier2", usd(900), 0n, 0n)).toBe(usd(500));
    expect(effectiveSpendLimit("tier0", null, usd(1), 0n)).toBe(usd(1));
    expect(effectiveSpendLimit("tier0", null, 300_000n, 700_000n)).toBe(usd(1));
    expect(effectiveSpendLimit("unlimited", null, 0n, 0n)).toBeNull();
  });

  it("names the next tier and the spend it needs", () => {
    expect(nextTier("tier1")?.tier).toBe("tier2");
    expect(nextTier("tier2")?.historicalSpendRequired).toBe(usd(1_000));
    expect(nextTier("tier4")).toBeNull();
  });
});

describe("spendCeiling: the most that may be spent this month", () => {
  const facts = { tier: "tier1" as const, spendLimitMicros: null, creditBalanceMicros: 0n, monthlySpendMicros: 0n, hasPaymentMethod: true };
  it("is the limit in force with a card: the owner's, else the tier's cap; none for Unlimited", () => {
    expect(spendCeiling(facts)).toBe(usd(50));
    expect(spendCeiling({ ...facts, spendLimitMicros: usd(20) })).toBe(usd(20));
    expect(spendCeiling({ ...facts, tier: "unlimited" })).toBeNull();
  });
  it("without a card, no more than the credits cover (nothing can be invoiced)", () => {
    const noCard = { ...facts, hasPaymentMethod: false, monthlySpendMicros: usd(3), creditBalanceMicros: usd(2) };
    expect(spendCeiling(noCard)).toBe(usd(5));
    expect(spendCeiling({ ...noCard, tier: "unlimited" })).toBe(usd(5));
    expect(spendCeiling({ ...noCard, spendLimitMicros: usd(4) })).toBe(usd(4));
    expect(spendCeiling({ ...noCard, tier: "tier0", creditBalanceMicros: -1n })).toBe(usd(3));
  });
});
