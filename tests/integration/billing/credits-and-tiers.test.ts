// Credits, tiers and payment methods (SPEC §3, §4): purchases are historical spend and upgrade at
// once; limits follow the cap only when they equalled it; refunds follow the documented policy.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { grantCredits } from "@/lib/billing/grant-credits";
import { refundCredits } from "@/lib/billing/refund-credits";
import { setSpendLimit } from "@/lib/billing/set-spend-limit";
import { recordPaymentMethod } from "@/lib/billing/record-payment-method";
import { removePaymentMethod } from "@/lib/billing/remove-payment-method";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import * as accountRoute from "@/app/api/v1/account/route";
import { accountState, chargeUsage } from "./helpers";

setupTestDatabase();

const purchase = (accountId: string, dollars: number, key: string) =>
  grantCredits({ accountId, amountMicros: usd(dollars), idempotencyKey: key, kind: "credit_purchase" });

describe("credit purchases and tiers", () => {
  it("Tier 1 with $0 history buys $100 of credits → Tier 2, limit $500", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const granted = await purchase(acct.accountId, 100, "cs_test_tier2");
    expect(granted).toMatchObject({ ok: true, granted: true, tier: "tier2", creditBalanceMicros: usd(100), status: "active" });
    const res = await callRoute(accountRoute.GET, { apiKey: acct.apiKey });
    expect(res.body).toMatchObject({
      tier: "tier2",
      spendLimitUsd: "500.00",
      creditBalanceUsd: "100.00",
      historicalSpendUsd: "100.00",
      nextTier: { tier: "tier3", historicalSpendRequiredUsd: "1000.00" },
    });
    const audit = await db().auditLog.findMany({ where: { accountId: acct.accountId, action: "tier.upgraded" } });
    expect(audit.map((a) => a.detail)).toEqual([{ from: "tier1", to: "tier2" }]);
  });

  it("grants exactly once per key", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const results = await Promise.all([1, 2, 3, 4].map(() => purchase(acct.accountId, 25, "cs_test_once")));
    expect(results.filter((r) => r.ok && r.granted)).toHaveLength(1);
    expect(results.filter((r) => r.ok && !r.granted)).toHaveLength(3);
    expect((await accountState(acct.accountId, new Date())).creditBalanceMicros).toBe(usd(25));
  });

  it("a limit the owner lowered stays on upgrade; one set at the cap follows the new cap", async () => {
    const lowered = await createAccountFixture({ tier: "tier1" });
    expect(await setSpendLimit(lowered.accountId, usd(20), lowered.ownerId)).toMatchObject({ ok: true, followsCap: false });
    await purchase(lowered.accountId, 100, "cs_lowered");
    expect((await callRoute(accountRoute.GET, { apiKey: lowered.apiKey })).body).toMatchObject({ tier: "tier2", spendLimitUsd: "20.00" });

    const atCap = await createAccountFixture({ tier: "tier1" });
    expect(await setSpendLimit(atCap.accountId, usd(50), atCap.ownerId)).toMatchObject({ ok: true, followsCap: true });
    await purchase(atCap.accountId, 1_000, "cs_at_cap");
    expect((await callRoute(accountRoute.GET, { apiKey: atCap.apiKey })).body).toMatchObject({ tier: "tier3", spendLimitUsd: "5000.00" });
  });

  it("a trial's limit saved at its cap (spend + credits) follows the cap when a card makes it Tier 1; one set below stays", async () => {
    const atCap = await createAccountFixture({ tier: "tier0", creditsMicros: usd(1) });
    await chargeUsage(atCap.accountId, 250_000n, new Date());
    // The console's editor is pre-filled with the cap: the owner just presses Save.
    expect(await setSpendLimit(atCap.accountId, usd(1), atCap.ownerId)).toMatchObject({ ok: true, followsCap: true });
    await chargeUsage(atCap.accountId, 250_000n, new Date()); // spending moves credits to spend: the cap stays $1
    expect((await callRoute(accountRoute.GET, { apiKey: atCap.apiKey })).body).toMatchObject({ tier: "tier0", spendLimitUsd: "1.00" });
    await recordPaymentMethod({
      accountId: atCap.accountId,
      stripePaymentMethodId: "pm_test_at_cap",
      brand: "visa",
      last4: "4242",
      expMonth: 12,
      expYear: 2031,
    });
    expect((await callRoute(accountRoute.GET, { apiKey: atCap.apiKey })).body).toMatchObject({ tier: "tier1", spendLimitUsd: "50.00" });

    const below = await createAccountFixture({ tier: "tier0", creditsMicros: usd(1) });
    expect(await setSpendLimit(below.accountId, 500_000n, below.ownerId)).toMatchObject({ ok: true, followsCap: false });
    await recordPaymentMethod({
      accountId: below.accountId,
      stripePaymentMethodId: "pm_test_below",
      brand: "visa",
      last4: "4242",
      expMonth: 12,
      expYear: 2031,
    });
    expect((await callRoute(accountRoute.GET, { apiKey: below.apiKey })).body).toMatchObject({ tier: "tier1", spendLimitUsd: "0.50" });
  });

  it("a limit above the cap is refused naming the account's own cap; above any storable limit, that bound", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    expect(await setSpendLimit(acct.accountId, usd(999_999_999), acct.ownerId)).toMatchObject({
      ok: false,
      reason: "above_cap",
      message: "value must be between 0 and 50.00 (the Tier 1 cap)",
    });
    const unlimited = await createAccountFixture({ tier: "unlimited" });
    expect(await setSpendLimit(unlimited.accountId, usd(100_000_000) + 10_000n, unlimited.ownerId)).toMatchObject({
      ok: false,
      reason: "above_cap",
      message: "value must be at most 100000000.00 (the largest limit Headroom stores)",
    });
  });

  it("an upgrade lifts spend_limit_reached at once", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const now = new Date();
    await chargeUsage(acct.accountId, usd(50), now);
    expect((await accountState(acct.accountId, now)).reasons).toEqual(["spend_limit_reached"]);
    const granted = await purchase(acct.accountId, 100, "cs_unblock");
    expect(granted).toMatchObject({ ok: true, tier: "tier2", status: "active" });
  });

  it("promotional credit is not historical spend and does not upgrade", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const r = await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(500),
      idempotencyKey: "promo:launch",
      kind: "promotional_credit",
    });
    expect(r).toMatchObject({ ok: true, granted: true, tier: "tier1" });
    const s = await accountState(acct.accountId, new Date());
    expect([s.creditBalanceMicros, s.historicalMicros]).toEqual([usd(500), 0n]);
  });

  it("a trial buying credits leaves no_payment_method at once; $100 makes it Tier 2 without a card", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    expect((await accountState(acct.accountId, new Date())).reasons).toEqual(["no_payment_method"]);
    expect(await purchase(acct.accountId, 5, "cs_trial_5")).toMatchObject({ ok: true, tier: "tier0", status: "active" });
    expect(await purchase(acct.accountId, 95, "cs_trial_95")).toMatchObject({ ok: true, tier: "tier2", status: "active" });
  });
});

describe("payment methods", () => {
  it("attaching a card makes a trial Tier 1 and lifts no_payment_method; detaching never downgrades", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    const card = {
      accountId: acct.accountId,
      stripePaymentMethodId: "pm_test_visa",
      brand: "visa",
      last4: "4242",
      expMonth: 12,
      expYear: 2031,
    };
    expect(await recordPaymentMethod(card)).toMatchObject({ ok: true, created: true, tier: "tier1", status: "active" });
    expect(await recordPaymentMethod(card)).toMatchObject({ ok: true, created: false, tier: "tier1" });
    expect(await removePaymentMethod({ accountId: acct.accountId, stripePaymentMethodId: "pm_test_visa" })).toMatchObject({
      ok: true,
      removed: true,
      remaining: 0,
      status: "suspended",
    });
    const s = await accountState(acct.accountId, new Date());
    expect([s.tier, s.reasons]).toEqual(["tier1", ["no_payment_method"]]);
    const other = await createAccountFixture({ tier: "tier0" });
    expect(await recordPaymentMethod({ ...card, accountId: other.accountId })).toMatchObject({
      ok: false,
      reason: "belongs_to_other_account",
    });
  });
});

describe("refunds", () => {
  it("take back only unspent credits, write off the rest, lower historical spend, and never lower the tier", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await purchase(acct.accountId, 100, "cs_refund_me");
    await chargeUsage(acct.accountId, usd(30), new Date());
    const r = await refundCredits({ accountId: acct.accountId, purchaseKey: "cs_refund_me", refundId: "re_1", amountMicros: usd(100) });
    expect(r).toEqual({ ok: true, refunded: true, creditsRemovedMicros: usd(70), writtenOffMicros: usd(30), status: "active" });
    const s = await accountState(acct.accountId, new Date());
    expect([s.creditBalanceMicros, s.historicalMicros, s.tier]).toEqual([0n, 0n, "tier2"]);
    expect(
      await refundCredits({ accountId: acct.accountId, purchaseKey: "cs_refund_me", refundId: "re_1", amountMicros: usd(100) }),
    ).toEqual({
      ok: true,
      refunded: false,
      reason: "duplicate",
    });
    expect(
      await refundCredits({ accountId: acct.accountId, purchaseKey: "cs_refund_me", refundId: "re_2", amountMicros: usd(1) }),
    ).toMatchObject({
      ok: false,
      reason: "exceeds_purchase",
    });
    const audit = await db().auditLog.findFirst({ where: { accountId: acct.accountId, action: "refund.exceeds_unspent_credits" } });
    expect(audit?.detail).toMatchObject({ writtenOffUsd: "30.00" });
    expect(
      (await reconcileBalances({ accountId: acct.accountId })).ok && (await reconcileBalances({ accountId: acct.accountId })),
    ).toMatchObject({
      differences: [],
    });
  });

  it("partial refunds add up to at most the purchase; an unknown purchase is refused (Stripe retries)", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await purchase(acct.accountId, 50, "cs_partial");
    expect(
      await refundCredits({ accountId: acct.accountId, purchaseKey: "cs_partial", refundId: "re_a", amountMicros: usd(20) }),
    ).toMatchObject({
      ok: true,
      creditsRemovedMicros: usd(20),
    });
    expect(
      await refundCredits({ accountId: acct.accountId, purchaseKey: "cs_partial", refundId: "re_b", amountMicros: usd(30) }),
    ).toMatchObject({
      ok: true,
      creditsRemovedMicros: usd(30),
    });
    expect(
      await refundCredits({ accountId: acct.accountId, purchaseKey: "cs_unknown", refundId: "re_c", amountMicros: usd(1) }),
    ).toMatchObject({
      ok: false,
      reason: "unknown_purchase",
    });
    const s = await accountState(acct.accountId, new Date());
    expect([s.creditBalanceMicros, s.historicalMicros]).toEqual([0n, 0n]);
  });
});
