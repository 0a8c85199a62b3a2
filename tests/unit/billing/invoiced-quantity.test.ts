// The quantity an invoice line bills: what its amount pays for (lib/billing/invoiced-quantity.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { invoicedQuantity } from "@/lib/billing/invoiced-quantity";

describe("invoicedQuantity", () => {
  it("counts charges the invoice pays in full whole", () => {
    expect(invoicedQuantity({ amountMicros: 408_000n, fullQuantity: 10n, partlyPaid: [], freeQuantity: 0n })).toBe(10n);
  });

  it("counts a charge credits paid in part for the part the invoice pays, rounded half up once for the line", () => {
    // 1 × A100 ($0.0408 a minute): 7 minutes invoiced in full, and one of which credits paid $0.0184.
    // 7 + 22,400 / 40,800 = 7.549… → 8.
    const minute = { quantity: 1n, invoiceMicros: 22_400n, creditMicros: 18_400n };
    expect(invoicedQuantity({ amountMicros: 7n * 40_800n + 22_400n, fullQuantity: 7n, partlyPaid: [minute], freeQuantity: 0n })).toBe(8n);
    // 2 × A100 ($0.0816 a minute), credits paid $0.0184 of one: 14 + 2 × 63,200 / 81,600 = 15.549… → 16.
    const twoGpus = { quantity: 2n, invoiceMicros: 63_200n, creditMicros: 18_400n };
    expect(invoicedQuantity({ amountMicros: 7n * 81_600n + 63_200n, fullQuantity: 14n, partlyPaid: [twoGpus], freeQuantity: 0n })).toBe(
      16n,
    );
    // Exactly half rounds up; under half down.
    expect(
      invoicedQuantity({
        amountMicros: 20_400n,
        fullQuantity: 0n,
        partlyPaid: [{ quantity: 1n, invoiceMicros: 20_400n, creditMicros: 20_400n }],
        freeQuantity: 0n,
      }),
    ).toBe(1n);
    expect(
      invoicedQuantity({
        amountMicros: 20_399n,
        fullQuantity: 0n,
        partlyPaid: [{ quantity: 1n, invoiceMicros: 20_399n, creditMicros: 20_401n }],
        freeQuantity: 0n,
      }),
    ).toBe(0n);
    // Training tokens: a 30,000-token step of $0.015, $0.005 of it from credits → 20,000 tokens.
    expect(
      invoicedQuantity({
        amountMicros: 10_000n,
        fullQuantity: 0n,
        partlyPaid: [{ quantity: 30_000n, invoiceMicros: 10_000n, creditMicros: 5_000n }],
        freeQuantity: 0n,
      }),
    ).toBe(20_000n);
  });

  it("counts charges that cost nothing in the proportion the invoice pays of the line", () => {
    // All the line's charges invoiced in full: free ones count whole.
    expect(invoicedQuantity({ amountMicros: 3n, fullQuantity: 5n, partlyPaid: [], freeQuantity: 2n })).toBe(7n);
    // $0.000004 of charges, $0.000001 of it from credits: 3/4 of the 4 free tokens.
    const partly = { quantity: 2n, invoiceMicros: 1n, creditMicros: 1n };
    expect(invoicedQuantity({ amountMicros: 3n, fullQuantity: 4n, partlyPaid: [partly], freeQuantity: 4n })).toBe(4n + 1n + 3n);
  });

  it("adds up: what the invoice bills is within half a unit of the exact share, and never more than was metered", () => {
    const charge = fc.record({
      quantity: fc.bigInt({ min: 1n, max: 1_000_000n }),
      invoiceMicros: fc.bigInt({ min: 1n, max: 10_000_000n }),
      creditMicros: fc.bigInt({ min: 1n, max: 10_000_000n }),
    });
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.bigInt({ min: 0n, max: 100_000_000n }),
        fc.array(charge, { maxLength: 5 }),
        (fullQuantity, fullMicros, partlyPaid) => {
          const amountMicros = fullMicros + partlyPaid.reduce((s, p) => s + p.invoiceMicros, 0n);
          const q = invoicedQuantity({ amountMicros, fullQuantity, partlyPaid, freeQuantity: 0n });
          const metered = fullQuantity + partlyPaid.reduce((s, p) => s + p.quantity, 0n);
          expect(q).toBeGreaterThanOrEqual(fullQuantity);
          expect(q).toBeLessThanOrEqual(metered);
          // |q − exact| ≤ 1/2, with exact = full + Σ q·inv/cost, compared over the common denominator.
          const den = partlyPaid.reduce((d, p) => d * (p.invoiceMicros + p.creditMicros), 1n);
          const num = partlyPaid.reduce(
            (n, p) => n + (p.quantity * p.invoiceMicros * den) / (p.invoiceMicros + p.creditMicros),
            fullQuantity * den,
          );
          const diff = 2n * (q * den - num);
          expect(diff <= den && -diff <= den).toBe(true);
        },
      ),
    );
  });
});
