// The money admission rule the gateway follows and the property tests generate usage with.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canCharge, type ChargeFacts } from "@/lib/billing/can-charge";
import { effectiveSpendLimit } from "@/lib/billing/tiers";
import { usd } from "@/lib/money";
import type { Tier } from "@/lib/db/generated/enums";

const base: ChargeFacts = {
  tier: "tier1",
  status: "active",
  spendLimitMicros: null,
  creditBalanceMicros: 0n,
  monthlySpendMicros: 0n,
  hasPaymentMethod: true,
};

describe("canCharge", () => {
  it("examples", () => {
    expect(canCharge(base, usd(50))).toEqual({ ok: true });
    expect(canCharge(base, usd(50) + 1n)).toEqual({ ok: false, reason: "spend_limit" });
    expect(canCharge({ ...base, status: "suspended" }, 1n)).toEqual({ ok: false, reason: "suspended" });
    expect(canCharge({ ...base, tier: "tier0", hasPaymentMethod: false, creditBalanceMicros: usd(1) }, usd(1))).toEqual({ ok: true });
    expect(canCharge({ ...base, tier: "tier0", hasPaymentMethod: false, creditBalanceMicros: usd(1) }, usd(1) + 1n)).toMatchObject({
      ok: false,
    });
    expect(canCharge({ ...base, tier: "tier2", hasPaymentMethod: false, creditBalanceMicros: usd(1) }, usd(2))).toEqual({
      ok: false,
      reason: "no_credits",
    });
    expect(canCharge(base, -1n)).toEqual({ ok: false, reason: "invalid_cost" });
  });

  it("an admitted charge never takes spend past the limit", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Tier>("tier0", "tier1", "tier2", "tier3", "tier4", "unlimited"),
        fc.option(fc.bigInt({ min: 0n, max: usd(1000) })),
        fc.bigInt({ min: 0n, max: usd(100) }),
        fc.bigInt({ min: 0n, max: usd(600) }),
        fc.boolean(),
        fc.bigInt({ min: 0n, max: usd(100) }),
        (tier, limit, credits, spend, pm, cost) => {
          const f: ChargeFacts = {
            ...base,
            tier,
            spendLimitMicros: limit,
            creditBalanceMicros: credits,
            monthlySpendMicros: spend,
            hasPaymentMethod: pm,
          };
          if (!canCharge(f, cost).ok) return;
          const before = effectiveSpendLimit(tier, limit, credits, spend);
          if (before !== null) expect(spend + cost <= before).toBe(true);
          if (!pm) expect(cost <= credits).toBe(true);
        },
      ),
    );
  });
});
