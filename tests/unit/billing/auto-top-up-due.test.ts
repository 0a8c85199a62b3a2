// Auto top-up decision (SPEC §4): below the threshold, within the monthly maximum, never when disabled.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { autoTopUpDue } from "@/lib/billing/auto-top-up-due";
import { usd } from "@/lib/money";

const settings = { enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(100) };
const micros = (max: bigint) => fc.bigInt({ min: 0n, max });

describe("autoTopUpDue", () => {
  it("examples", () => {
    expect(autoTopUpDue(settings, usd(4), 0n)).toEqual({ due: true, amountMicros: usd(20) });
    expect(autoTopUpDue(settings, usd(5), 0n)).toEqual({ due: false, reason: "above_threshold" });
    expect(autoTopUpDue({ ...settings, enabled: false }, 0n, 0n)).toEqual({ due: false, reason: "disabled" });
    expect(autoTopUpDue(settings, 0n, usd(80))).toEqual({ due: true, amountMicros: usd(20) });
    expect(autoTopUpDue(settings, 0n, usd(81))).toEqual({ due: false, reason: "monthly_max_reached" });
  });

  it("a due top-up keeps the month within the maximum and happens only below the threshold", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        micros(usd(100)),
        micros(usd(100)),
        micros(usd(500)),
        micros(usd(200)),
        fc.bigInt({ min: -usd(50), max: usd(200) }),
        (enabled, threshold, amount, max, topped, balance) => {
          const d = autoTopUpDue({ enabled, thresholdMicros: threshold, amountMicros: amount, monthlyMaxMicros: max }, balance, topped);
          if (d.due) {
            expect(enabled).toBe(true);
            expect(balance < threshold).toBe(true);
            expect(topped + d.amountMicros <= max).toBe(true);
          } else if (enabled && balance < threshold) {
            expect(d.reason).toBe("monthly_max_reached");
          }
        },
      ),
    );
  });

  it("repeated top-ups in one month never exceed the monthly maximum", () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 100 }), fc.integer({ min: 5, max: 1000 }), (amount, max) => {
        const s = { ...settings, amountMicros: usd(amount), monthlyMaxMicros: usd(Math.max(amount, max)) };
        let topped = 0n;
        for (let i = 0; i < 500; i++) {
          const d = autoTopUpDue(s, 0n, topped);
          if (!d.due) break;
          topped += d.amountMicros;
        }
        expect(topped <= s.monthlyMaxMicros).toBe(true);
        expect(s.monthlyMaxMicros - topped < s.amountMicros).toBe(true);
      }),
    );
  });
});
