import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ceilDiv, displayUsd, displayUsdExact, formatUsd, parseUsd, requestCostMicros, usd, usdString } from "@/lib/money";

describe("money", () => {
  it("parses exact decimals to micro-USD", () => {
    expect(parseUsd("12.34")).toBe(12_340_000n);
    expect(parseUsd("0.000900")).toBe(900n);
    expect(parseUsd("50")).toBe(50_000_000n);
    expect(parseUsd("-1.5")).toBe(-1_500_000n);
  });

  it("refuses anything that is not an exact decimal", () => {
    for (const bad of ["", "1e3", "1.0000001", "abc", "1,000", "NaN", "Infinity", ".5", "1."]) {
      expect(() => parseUsd(bad), bad).toThrow(RangeError);
    }
  });

  it("round-trips every amount exactly", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), (m) => {
        expect(parseUsd(formatUsd(m))).toBe(m);
        expect(parseUsd(usdString(m))).toBe(m);
      }),
    );
  });

  it("shows two places only when nothing is lost", () => {
    expect(usdString(50_000_000n)).toBe("50.00");
    expect(usdString(900n)).toBe("0.000900");
    expect(displayUsd(1_234_567_890n)).toBe("$1,234.56");
  });

  it("prices requests per SPEC §2 with ceilings per direction", () => {
    // 1000 prompt tokens at $0.20/M = 200 µ$; 1 completion token at $0.20/M = 0.2 → 1 µ$.
    expect(requestCostMicros(1000, 1, usd(0) + 200_000n, 200_000n)).toBe(201n);
    expect(requestCostMicros(0, 0, 200_000n, 200_000n)).toBe(0n);
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.nat(10_000_000), fc.bigInt({ min: 0n, max: 100_000_000n }), (p, c, price) => {
        const cost = requestCostMicros(p, c, price, price);
        const exact = BigInt(p + c) * price;
        expect(cost * 1_000_000n >= exact).toBe(true);
        expect(cost).toBeLessThanOrEqual(ceilDiv(exact, 1_000_000n) + 1n);
      }),
    );
  });

  it("displayUsdExact: at least two places, never a fraction of a cent dropped", () => {
    expect(displayUsdExact(466_400n)).toBe("$0.4664");
    expect(displayUsdExact(1_234_500_000n)).toBe("$1,234.50");
    expect(displayUsdExact(0n)).toBe("$0.00");
    expect(displayUsdExact(1n)).toBe("$0.000001");
    expect(displayUsdExact(-5_100_000n)).toBe("-$5.10");
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), (m) => parseUsd(displayUsdExact(m).replace(/[$,]/g, "")) === m),
    );
  });
});
