// Reconciliation (SPEC §2): the counters equal the ledger after real operations — including the
// gateway's own batch charge path — and a tampered counter is reported, audited, and repaired on request.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, seedModelsFixture, usageChargeFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { chargeUsageBatch } from "@/lib/billing/charge-usage-batch";
import { grantCredits } from "@/lib/billing/grant-credits";
import { closeMonth } from "@/lib/billing/close-month";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { accountState } from "./helpers";

setupTestDatabase();

describe("reconciliation", () => {
  it("the gateway's batch charges follow the ledger convention: counters match and month close bills the uncovered part", async () => {
    await seedModelsFixture();
    const model = await db().model.findFirstOrThrow({ select: { id: true, name: true } });
    const acct = await createAccountFixture({ tier: "tier1" });
    await grantCredits({ accountId: acct.accountId, amountMicros: usd(5), idempotencyKey: "cs_recon", kind: "credit_purchase" });
    const now = new Date();
    const item = (n: number, cost: bigint) =>
      usageChargeFixture(`req_recon_${n}`, acct.accountId, model, {
        apiKeyId: acct.apiKeyId,
        promptTokens: 100,
        completionTokens: 50,
        costMicros: cost,
        latencyMs: 10,
        at: now,
      });
    await chargeUsageBatch([item(1, usd(3)), item(2, usd(4))]);
    await chargeUsageBatch([item(2, usd(4))]); // replay: nothing changes
    const s = await accountState(acct.accountId, now);
    expect([s.creditBalanceMicros, s.monthly]).toEqual([0n, usd(7)]);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 1));
    const closed = await closeMonth({ period: now, accountId: acct.accountId, now: next });
    expect(closed).toMatchObject({ ok: true, invoiced: [{ totalMicros: usd(2) }] });
    const lines = await db().invoiceLine.findMany({ where: { invoice: { accountId: acct.accountId } } });
    // The invoice bills what credits did not pay: half of request 2 ($2 of its $4), so half its 150 tokens.
    expect(lines.map((l) => [l.subject, l.quantity, l.unit, l.amountMicros])).toEqual([[`model:${model.name}`, 75n, "tokens", usd(2)]]);
  });

  it("reports a tampered counter (log + audit row) and repairs it when asked", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await grantCredits({ accountId: acct.accountId, amountMicros: usd(100), idempotencyKey: "cs_tamper", kind: "credit_purchase" });
    await db().account.update({ where: { id: acct.accountId }, data: { creditBalanceMicros: usd(1_000), historicalMicros: usd(99) } });
    const report = await reconcileBalances();
    expect(report).toMatchObject({ ok: true, repaired: false });
    if (!report.ok) return;
    expect(report.differences.filter((d) => d.accountId === acct.accountId)).toEqual([
      { accountId: acct.accountId, field: "creditBalance", counterMicros: usd(1_000), ledgerMicros: usd(100) },
      { accountId: acct.accountId, field: "historicalSpend", counterMicros: usd(99), ledgerMicros: usd(100) },
    ]);
    expect(await db().auditLog.count({ where: { accountId: acct.accountId, action: "reconcile.difference" } })).toBe(1);
    expect(await reconcileBalances({ accountId: acct.accountId, repair: true })).toMatchObject({ repaired: true });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
    const s = await accountState(acct.accountId, new Date());
    expect([s.creditBalanceMicros, s.historicalMicros]).toEqual([usd(100), usd(100)]);
  });
});
