// Budget alerts (SPEC §4): 50/80/100 % of the limit and low credits, each with its own per-period dedupe key.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { budgetAlertsDue, mayCrossAlert, reachedPercents, type AlertFacts } from "@/lib/alerts/budget-alerts";
import { usd } from "@/lib/money";

const base: AlertFacts = {
  accountId: "acc",
  tier: "tier1",
  spendLimitMicros: null,
  creditBalanceMicros: 0n,
  monthlySpendMicros: 0n,
  period: new Date("2026-11-01T00:00:00Z"),
  autoTopUp: null,
};

describe("budget alerts", () => {
  it("reaches 50, 80 and 100 % exactly at the thresholds", () => {
    expect(reachedPercents(usd(25) - 1n, usd(50))).toEqual([]);
    expect(reachedPercents(usd(25), usd(50))).toEqual([50]);
    expect(reachedPercents(usd(40), usd(50))).toEqual([50, 80]);
    expect(reachedPercents(usd(50), usd(50))).toEqual([50, 80, 100]);
    expect(reachedPercents(usd(1), 0n)).toEqual([]);
    expect(reachedPercents(usd(1), null)).toEqual([]);
  });

  it("the thresholds reached only grow with spend", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: usd(1000) }),
        fc.bigInt({ min: 0n, max: usd(1000) }),
        fc.bigInt({ min: 1n, max: usd(1000) }),
        (a, b, limit) => {
          const [lo, hi] = a < b ? [a, b] : [b, a];
          const low = reachedPercents(lo, limit);
          const high = reachedPercents(hi, limit);
          expect(low.every((p) => high.includes(p))).toBe(true);
          for (const p of high) expect(hi * 100n >= limit * BigInt(p)).toBe(true);
        },
      ),
    );
  });

  it("keys are per account, period and threshold", () => {
    const alerts = budgetAlertsDue({ ...base, monthlySpendMicros: usd(50), creditBalanceMicros: 500_000n });
    expect(alerts.map((a) => a.dedupeKey)).toEqual([
      "budget:acc:2026-11:spend:50",
      "budget:acc:2026-11:spend:80",
      "budget:acc:2026-11:spend:100",
      "budget:acc:2026-11:credits-below:1000000",
    ]);
    const december = budgetAlertsDue({ ...base, monthlySpendMicros: usd(50), period: new Date("2026-12-01T00:00:00Z") });
    expect(december[0]?.dedupeKey).toBe("budget:acc:2026-12:spend:50");
  });

  it("low credits uses the auto top-up threshold when enabled, else $1; zero balance does not alert", () => {
    expect(budgetAlertsDue({ ...base, creditBalanceMicros: usd(3) })).toEqual([]);
    const withTopUp = budgetAlertsDue({ ...base, creditBalanceMicros: usd(3), autoTopUp: { enabled: true, thresholdMicros: usd(5) } });
    expect(withTopUp.map((a) => a.kind)).toEqual(["low_credits"]);
    expect(budgetAlertsDue({ ...base, creditBalanceMicros: usd(3), autoTopUp: { enabled: false, thresholdMicros: usd(5) } })).toEqual([]);
    expect(budgetAlertsDue({ ...base, creditBalanceMicros: 0n })).toEqual([]);
  });

  it("a trial gets spend alerts only for a limit its owner set", () => {
    expect(budgetAlertsDue({ ...base, tier: "tier0", monthlySpendMicros: usd(1), creditBalanceMicros: 0n })).toEqual([]);
    expect(
      budgetAlertsDue({ ...base, tier: "tier0", spendLimitMicros: usd(2), monthlySpendMicros: usd(1) }).map((a) => a.threshold),
    ).toEqual(["50%"]);
  });
});

describe("the meter's trigger for checking alerts at once (mayCrossAlert)", () => {
  const after = (over: Partial<AlertFacts>) => ({ ...base, ...over });

  it("fires when a charge crosses 50, 80 or 100 % or the $1 low-credit line, and not otherwise", () => {
    const limit = { spendLimitMicros: usd(10) };
    expect(mayCrossAlert(after({ ...limit, monthlySpendMicros: usd(5) }), usd(1))).toBe(true); // 40 % → 50 %
    expect(mayCrossAlert(after({ ...limit, monthlySpendMicros: usd(6) }), usd(1))).toBe(false); // 50 % → 60 %
    expect(mayCrossAlert(after({ ...limit, monthlySpendMicros: usd(10) }), 1n)).toBe(true); // → 100 %
    expect(mayCrossAlert(after({ ...limit, monthlySpendMicros: usd(5) }), 0n)).toBe(false);
    expect(mayCrossAlert(after({ creditBalanceMicros: usd(1) - 1n }), 1n)).toBe(true);
    expect(mayCrossAlert(after({ creditBalanceMicros: usd(1) - 2n }), 1n)).toBe(false); // already below
    expect(mayCrossAlert(after({ tier: "unlimited", monthlySpendMicros: usd(1000) }), usd(1000))).toBe(false);
  });

  it("never misses a spend alert a charge makes due (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("tier0", "tier1", "tier2", "tier3", "tier4", "unlimited" as const),
        fc.option(fc.bigInt({ min: 0n, max: usd(1000) })),
        fc.bigInt({ min: 0n, max: usd(1000) }),
        fc.bigInt({ min: 0n, max: usd(200) }),
        fc.bigInt({ min: 1n, max: usd(200) }),
        (tier, spendLimitMicros, spendAfter, creditBalanceMicros, cost) => {
          const a = after({ tier, spendLimitMicros, monthlySpendMicros: spendAfter, creditBalanceMicros });
          const before = { ...a, monthlySpendMicros: spendAfter - cost, creditBalanceMicros: creditBalanceMicros + cost };
          const keys = (f: AlertFacts) => new Set(budgetAlertsDue(f).map((x) => x.dedupeKey));
          const had = keys(before);
          const fresh = [...keys(a)].filter((k) => !had.has(k));
          if (fresh.length > 0) expect(mayCrossAlert(a, cost)).toBe(true);
        },
      ),
    );
  });
});
