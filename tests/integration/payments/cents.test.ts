// Micro-USD ↔ Stripe cents (pure): exact where money is whole cents, one rounding per invoice, and
// invoice lines that always add up to the rounded total.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateCents, exactCents, floorToCents, roundToCents } from "@/lib/payments/cents";
import { planInvoiceItems } from "@/lib/payments/invoices/send-invoice";

describe("cents", () => {
  it("converts whole cents exactly and refuses anything else", () => {
    expect(exactCents(100_000_000n)).toBe(10_000);
    expect(() => exactCents(100_000_001n)).toThrow(RangeError);
    expect(roundToCents(12_345_678n)).toBe(1235n);
    expect(roundToCents(12_344_999n)).toBe(1234n);
    expect(roundToCents(5_000n)).toBe(1n);
    expect(roundToCents(4_999n)).toBe(0n);
    expect(floorToCents(12_345_678n)).toBe(1234n);
    expect(floorToCents(9_999n)).toBe(0n);
  });

  it("allocates a total over lines so they add up to it exactly, each within a cent of its share", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 20 }), (lines) => {
        const sum = lines.reduce((a, b) => a + b, 0n);
        const total = roundToCents(sum);
        const cents = allocateCents(lines, total);
        expect(cents.reduce((a, b) => a + b, 0n)).toBe(total);
        lines.forEach((m, i) => {
          const exact = sum === 0n ? 0n : (m * total * 1000n) / sum; // in thousandths of a cent
          expect(cents[i]! * 1000n - exact).toBeLessThan(1000n);
          expect(exact - cents[i]! * 1000n).toBeLessThan(1000n);
        });
      }),
    );
  });

  it("plans Stripe items for whole cents: lines share the total's cents, what was paid or waived comes off", () => {
    // $12.345678 of usage, $0.005678 waived at close: Stripe is asked for $12.34, not a rounded $12.35.
    const plan = planInvoiceItems({
      totalMicros: 12_345_678n,
      paidMicros: 5_678n,
      lines: [
        {
          id: "a",
          subject: "model:hr-small-8b",
          description: "Serverless inference — hr-small-8b",
          quantity: 10n,
          unit: "tokens",
          amountMicros: 6_172_839n,
        },
        {
          id: "b",
          subject: "model:hr-large-405b",
          description: "Serverless inference — hr-large-405b",
          quantity: 20n,
          unit: "tokens",
          amountMicros: 6_172_839n,
        },
      ],
    });
    expect(plan.dueCents).toBe(1234n);
    expect(plan.items.map((i) => i.cents).reduce((a, b) => a + b, 0)).toBe(1234);
  });

  it("plans Stripe items: a line per invoice line, credits already applied as one negative line", () => {
    const plan = planInvoiceItems({
      totalMicros: 6_000_000n,
      paidMicros: 2_000_000n,
      lines: [
        {
          id: "a",
          subject: "model:hr-small-8b",
          description: "Serverless inference — hr-small-8b",
          quantity: 10n,
          unit: "tokens",
          amountMicros: 3_000_000n,
        },
        {
          id: "b",
          subject: "model:hr-large-405b",
          description: "Serverless inference — hr-large-405b",
          quantity: 20n,
          unit: "tokens",
          amountMicros: 3_000_000n,
        },
      ],
    });
    expect(plan.dueCents).toBe(400n);
    // In the invoice's line order (by subject: hr-large-405b first), then the credits.
    expect(plan.items.map((i) => [i.key, i.cents])).toEqual([
      ["b", 300],
      ["a", 300],
      ["credits", -200],
    ]);
  });
});
