// The per-kind ledger rule that the counters and reconciliation share (lib/billing/ledger-effects.ts).
import { describe, expect, it } from "vitest";
import { ledgerEffect, sumLedger } from "@/lib/billing/ledger-effects";

const e = (kind: Parameters<typeof ledgerEffect>[0]["kind"], amountMicros: bigint, creditMicros = 0n, invoiceMicros = 0n) => ({
  kind,
  amountMicros,
  creditMicros,
  invoiceMicros,
});

describe("ledger effects", () => {
  it("follows the table", () => {
    expect(ledgerEffect(e("credit_purchase", 100n))).toEqual({ credit: 100n, spend: 0n, historical: 100n });
    expect(ledgerEffect(e("promotional_credit", 100n))).toEqual({ credit: 100n, spend: 0n, historical: 0n });
    expect(ledgerEffect(e("usage_charge", -30n, 30n, 70n))).toEqual({ credit: -30n, spend: 100n, historical: 0n });
    expect(ledgerEffect(e("deployment_charge", 0n, 0n, 70n))).toEqual({ credit: 0n, spend: 70n, historical: 0n });
    expect(ledgerEffect(e("invoice", 0n, 0n, 70n))).toEqual({ credit: 0n, spend: 0n, historical: 0n });
    expect(ledgerEffect(e("invoice_payment", -20n, 20n, 0n))).toEqual({ credit: -20n, spend: 0n, historical: 0n });
    expect(ledgerEffect(e("invoice_payment", 0n, 0n, 50n))).toEqual({ credit: 0n, spend: 0n, historical: 50n });
    expect(ledgerEffect(e("refund", -40n))).toEqual({ credit: -40n, spend: 0n, historical: -40n });
    expect(ledgerEffect(e("adjustment", 15n))).toEqual({ credit: 15n, spend: 0n, historical: 0n });
    // An amount carried into a later invoice's total moves no counter.
    expect(ledgerEffect(e("adjustment", 0n, 0n, 30n))).toEqual({ credit: 0n, spend: 0n, historical: 0n });
  });

  it("counts monthly spend of the given period only", () => {
    const oct = new Date("2026-10-01T00:00:00Z");
    const nov = new Date("2026-11-01T00:00:00Z");
    const total = sumLedger(
      [
        { ...e("usage_charge", 0n, 0n, 5n), period: oct },
        { ...e("usage_charge", 0n, 0n, 7n), period: nov },
      ],
      nov,
    );
    expect(total.spend).toBe(7n);
  });
});
