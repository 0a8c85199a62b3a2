import { describe, expect, it } from "vitest";
import { reasonsFor, type AccountFacts } from "@/lib/billing/suspension";
import { usd } from "@/lib/money";

const base: AccountFacts = {
  tier: "tier1",
  spendLimitMicros: null,
  creditBalanceMicros: usd(5),
  monthlySpendMicros: 0n,
  hasPaymentMethod: true,
  failedInvoices: 0,
};

describe("suspension reasons (SPEC §5)", () => {
  it("an account in good standing has none", () => {
    expect([...reasonsFor(base)]).toEqual([]);
  });
  it("spend at the limit suspends", () => {
    expect(reasonsFor({ ...base, monthlySpendMicros: usd(50) }).has("spend_limit_reached")).toBe(true);
    expect(reasonsFor({ ...base, spendLimitMicros: usd(10), monthlySpendMicros: usd(10) }).has("spend_limit_reached")).toBe(true);
    expect(reasonsFor({ ...base, spendLimitMicros: usd(10), monthlySpendMicros: usd(10) - 1n }).size).toBe(0);
  });
  it("no credits and no card suspends; a card lifts it", () => {
    const trial = { ...base, tier: "tier0" as const, hasPaymentMethod: false, creditBalanceMicros: 0n, monthlySpendMicros: usd(1) };
    expect([...reasonsFor(trial)]).toEqual(["no_payment_method"]);
    expect(reasonsFor({ ...trial, hasPaymentMethod: true, tier: "tier1" }).has("no_payment_method")).toBe(false);
  });
  it("a failed invoice suspends until none is left", () => {
    expect(reasonsFor({ ...base, failedInvoices: 2 }).has("payment_failed")).toBe(true);
    expect(reasonsFor({ ...base, failedInvoices: 0 }).has("payment_failed")).toBe(false);
  });
});
