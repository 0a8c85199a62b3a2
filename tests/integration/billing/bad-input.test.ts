// Every billing verb refuses bad input — negative, NaN, non-integer cents, above the cap, unknown
// account — with a clear error value, and writes nothing to the ledger.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, type AccountFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { grantCredits } from "@/lib/billing/grant-credits";
import { refundCredits } from "@/lib/billing/refund-credits";
import { setSpendLimit } from "@/lib/billing/set-spend-limit";
import { setTier } from "@/lib/billing/set-tier";
import { suspendAccount } from "@/lib/billing/suspend-account";
import { liftManualSuspension } from "@/lib/billing/lift-manual-suspension";
import { recordPaymentMethod } from "@/lib/billing/record-payment-method";
import { removePaymentMethod } from "@/lib/billing/remove-payment-method";
import { closeMonth } from "@/lib/billing/close-month";
import { markInvoiceOpen } from "@/lib/billing/mark-invoice-open";
import { markInvoicePaid } from "@/lib/billing/mark-invoice-paid";
import { markInvoiceFailed } from "@/lib/billing/mark-invoice-failed";
import { voidInvoice } from "@/lib/billing/void-invoice";
import { setAutoTopUp } from "@/lib/billing/auto-top-up-settings";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import type { Tier } from "@/lib/db/generated/enums";

setupTestDatabase();

let acct: AccountFixture;
beforeAll(async () => {
  acct = await createAccountFixture({ tier: "tier1" });
  await grantCredits({ accountId: acct.accountId, amountMicros: usd(10), idempotencyKey: "cs_bad_input_base", kind: "credit_purchase" });
});

type Refusal = { ok: false; reason: string; message: string };
const expectRefused = (r: unknown, reason: string | RegExp) => {
  expect(r).toMatchObject({ ok: false });
  const refusal = r as Refusal;
  if (typeof reason === "string") expect(refusal.reason).toBe(reason);
  else expect(refusal.reason).toMatch(reason);
  expect(refusal.message.length).toBeGreaterThan(5);
};

describe("bad input writes nothing", () => {
  it("grantCredits", async () => {
    const before = await db().ledgerEntry.count();
    const grant = (amountMicros: unknown, over: Partial<Parameters<typeof grantCredits>[0]> = {}) =>
      grantCredits({
        accountId: acct.accountId,
        amountMicros: amountMicros as bigint,
        idempotencyKey: `k-${Math.random()}`,
        kind: "credit_purchase",
        ...over,
      });
    expectRefused(await grant(-usd(10)), "invalid_amount");
    expectRefused(await grant(0n), "invalid_amount");
    expectRefused(await grant(Number.NaN), "invalid_amount");
    expectRefused(await grant(10.5), "invalid_amount");
    expectRefused(await grant(usd(10) + 10_000n), "invalid_amount"); // $10.01: purchases are whole dollars
    expectRefused(await grant(usd(4)), "invalid_amount");
    expectRefused(await grant(usd(50_001)), "invalid_amount");
    expectRefused(await grant(usd(1) + 1n, { kind: "promotional_credit" }), "invalid_amount"); // not whole cents
    expectRefused(await grant(usd(10), { accountId: "no-such-account" }), "no_account");
    expectRefused(await grant(usd(10), { idempotencyKey: "" }), "invalid_key");
    expectRefused(await grant(usd(10), { kind: "gift" as never }), "invalid_kind");
    expect(await db().ledgerEntry.count()).toBe(before);
  });

  it("refundCredits", async () => {
    const before = await db().ledgerEntry.count();
    const refund = (amountMicros: unknown, over: Partial<Parameters<typeof refundCredits>[0]> = {}) =>
      refundCredits({
        accountId: acct.accountId,
        purchaseKey: "cs_bad_input_base",
        refundId: "re_bad",
        amountMicros: amountMicros as bigint,
        ...over,
      });
    expectRefused(await refund(-1n), "invalid_amount");
    expectRefused(await refund(Number.NaN), "invalid_amount");
    expectRefused(await refund(usd(1) + 1n), "invalid_amount");
    expectRefused(await refund(usd(11)), "exceeds_purchase");
    expectRefused(await refund(usd(1), { accountId: "nope" }), "no_account");
    expectRefused(await refund(usd(1), { purchaseKey: "cs_other" }), "unknown_purchase");
    expectRefused(await refund(usd(1), { refundId: "" }), "invalid_key");
    expect(await db().ledgerEntry.count()).toBe(before);
  });

  it("setSpendLimit, setTier, suspension verbs, payment methods, auto top-up settings", async () => {
    const before = await db().ledgerEntry.count();
    const audits = await db().auditLog.count();
    expectRefused(await setSpendLimit(acct.accountId, -1n, null), "negative");
    expectRefused(await setSpendLimit(acct.accountId, Number.NaN as never, null), "invalid_amount");
    expectRefused(await setSpendLimit(acct.accountId, 1_005n, null), "not_whole_cents");
    expectRefused(await setSpendLimit(acct.accountId, usd(50) + 10_000n, null), "above_cap");
    expectRefused(await setSpendLimit("nope", usd(1), null), "no_account");
    expectRefused(await setTier(acct.accountId, "gold" as Tier, null), "invalid_tier");
    expectRefused(await setTier("nope", "tier2", null), "no_account");
    expectRefused(await suspendAccount(acct.accountId, "   ", null), "invalid_input");
    expectRefused(await suspendAccount("nope", "reason", null), "no_account");
    expectRefused(await liftManualSuspension(acct.accountId, "", null), "not_manually_suspended");
    const card = { accountId: acct.accountId, stripePaymentMethodId: "pm_bad", brand: "visa", last4: "4242", expMonth: 12, expYear: 2031 };
    expectRefused(await recordPaymentMethod({ ...card, last4: "42" }), "invalid_input");
    expectRefused(await recordPaymentMethod({ ...card, expMonth: 13 }), "invalid_input");
    expectRefused(await recordPaymentMethod({ ...card, stripePaymentMethodId: "" }), "invalid_input");
    expectRefused(await recordPaymentMethod({ ...card, accountId: "nope" }), "no_account");
    expectRefused(await removePaymentMethod({ accountId: acct.accountId, stripePaymentMethodId: "pm_unknown" }), "not_found");
    const s = { enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(100) };
    expectRefused(await setAutoTopUp(acct.accountId, { ...s, amountMicros: usd(20) + 1n }, null), "invalid_amount");
    expectRefused(await setAutoTopUp(acct.accountId, { ...s, thresholdMicros: -1n }, null), "invalid_amount");
    expectRefused(await setAutoTopUp(acct.accountId, { ...s, monthlyMaxMicros: usd(10) }, null), "invalid_amount");
    expectRefused(await setAutoTopUp(acct.accountId, { ...s, thresholdMicros: Number.NaN as never }, null), "invalid_amount");
    expectRefused(await setAutoTopUp("nope", s, null), "no_account");
    expect(await db().ledgerEntry.count()).toBe(before);
    expect(await db().auditLog.count()).toBe(audits);
    expect(await db().autoTopUp.count()).toBe(0);
  });

  it("invoice verbs, month close and reconciliation", async () => {
    const before = await db().ledgerEntry.count();
    expectRefused(await markInvoicePaid("in_unknown"), "not_found");
    expectRefused(await markInvoicePaid(""), "invalid_input");
    expectRefused(await markInvoicePaid({ stripeInvoiceId: "in_x" }, { paidAt: new Date(Number.NaN) }), "invalid_input");
    expectRefused(await markInvoiceFailed({ invoiceId: "nope" }), "not_found");
    expectRefused(await markInvoiceFailed("in_x", { eventCreated: 1.5 }), "invalid_input");
    expectRefused(await markInvoiceOpen("nope", { stripeInvoiceId: "in_1", hostedUrl: "javascript:alert(1)" }), "invalid_input");
    expectRefused(await markInvoiceOpen("nope", { stripeInvoiceId: "in_1", hostedUrl: "https://x.example" }), "not_found");
    expectRefused(await voidInvoice("nope"), "not_found");
    expectRefused(await closeMonth({ period: "2030-13" }), "invalid_period");
    expectRefused(await closeMonth({ period: new Date(Number.NaN) }), "invalid_period");
    expectRefused(await closeMonth({ period: new Date() }), "period_not_over");
    expectRefused(await closeMonth({ period: "2020-01", accountId: "nope" }), "no_account");
    expectRefused(await reconcileBalances({ accountId: "nope" }), "no_account");
    expect(await db().ledgerEntry.count()).toBe(before);
  });
});
