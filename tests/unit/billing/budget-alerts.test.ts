// Budget alerts (SPEC §4): 50/80/100 % of the limit and low credits, each with its own per-period dedupe key.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { budgetAlertsDue, reachedPercents, type AlertFacts } from "@/lib/alerts/budget-alerts";
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
