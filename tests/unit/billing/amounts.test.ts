// Money input checks: only BigInt micro-USD is accepted; NaN, floats, negatives, wrong steps and out-of-range values are refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAmount, checkKey, CREDIT_PURCHASE_MAX, CREDIT_PURCHASE_MIN } from "@/lib/billing/amounts";
import { usd } from "@/lib/money";

const purchase = { field: "amountMicros", positive: true, step: "dollar", min: CREDIT_PURCHASE_MIN, max: CREDIT_PURCHASE_MAX } as const;

describe("checkAmount", () => {
  it.each([
    [Number.NaN, "integer amount of micro-USD"],
    [10, "integer amount of micro-USD"],
    [1.5, "integer amount of micro-USD"],
    ["100", "integer amount of micro-USD"],
    [null, "integer amount of micro-USD"],
    [-usd(10), "greater than 0"],
    [0n, "greater than 0"],
    [usd(10) + 1n, "whole number of dollars"],
    [usd(4), "at least 5.00"],
    [usd(50_001), "at most 50000.00"],
  ])("refuses %s", (value, message) => {
    const r = checkAmount(value, purchase);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });

  it("accepts exactly the whole dollars from $5 to $50,000", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -usd(10), max: usd(60_000) }), (v) => {
        const ok = v >= usd(5) && v <= usd(50_000) && v % usd(1) === 0n;
        expect(checkAmount(v, purchase).ok).toBe(ok);
      }),
    );
  });

  it("cents step", () => {
    expect(checkAmount(10_000n, { field: "x", step: "cent" }).ok).toBe(true);
    expect(checkAmount(10_001n, { field: "x", step: "cent" }).ok).toBe(false);
  });

  it("keys must be non-empty printable strings", () => {
    expect(checkKey("cs_123", "k").ok).toBe(true);
    expect(checkKey("", "k").ok).toBe(false);
    expect(checkKey("  ", "k").ok).toBe(false);
    expect(checkKey(42, "k").ok).toBe(false);
    expect(checkKey("a\nb", "k").ok).toBe(false);
    expect(checkKey("x".repeat(256), "k").ok).toBe(false);
  });
});
