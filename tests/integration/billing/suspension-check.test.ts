// The minute "suspension-check" job: an account whose recorded suspension reasons differ from what its
// facts imply (an event's own re-derivation was lost) is re-derived — suspended or lifted — and an
// account that agrees with its facts is left untouched.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { monthStart } from "@/lib/billing/period";
import { getJob } from "@/lib/jobs/jobs";

setupTestDatabase();

const check = (at = new Date()) => getJob("suspension-check")!.run({ at }) as Promise<{ checked: number; resynced: string[] }>;

async function state(accountId: string) {
  return db().account.findUniqueOrThrow({
    where: { id: accountId },
    select: { status: true, updatedAt: true, suspensionReasons: { where: { liftedAt: null }, select: { reason: true } } },
  });
}

describe("suspension-check job", () => {
  it("suspends an account left active at its limit, lifts one left suspended below it, and leaves the others alone", async () => {
    const now = new Date();
    // At its $1 limit, but the suspension was never recorded.
    const atLimit = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    await db().account.update({ where: { id: atLimit.accountId }, data: { monthlySpendMicros: usd(1), spendPeriod: monthStart(now) } });
    // Suspended at its limit, then the limit was raised without the suspension being re-derived.
    const raised = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    await db().account.update({ where: { id: raised.accountId }, data: { monthlySpendMicros: usd(1), spendPeriod: monthStart(now) } });
    expect((await getJob("suspension-check")!.run({ at: now, accountId: raised.accountId })) as unknown).toMatchObject({
      resynced: [raised.accountId],
    });
    expect((await state(raised.accountId)).status).toBe("suspended");
    await db().account.update({ where: { id: raised.accountId }, data: { spendLimitMicros: usd(2) } });
    // In line with its facts.
    const fine = await createAccountFixture({ tier: "tier1" });
    const fineBefore = await state(fine.accountId);

    const result = await check(new Date(Date.now() + 1_000));
    expect(result.resynced.sort()).toEqual([atLimit.accountId, raised.accountId].sort());
    expect(result.checked).toBeGreaterThanOrEqual(3);
    const a = await state(atLimit.accountId);
    expect([a.status, a.suspensionReasons.map((r) => r.reason)]).toEqual(["suspended", ["spend_limit_reached"]]);
    const r = await state(raised.accountId);
    expect([r.status, r.suspensionReasons]).toEqual(["active", []]);
    expect(await state(fine.accountId)).toEqual(fineBefore); // not even written

    // Once re-derived, nothing left to do.
    expect((await check(new Date(Date.now() + 2_000))).resynced).toEqual([]);
  });

  it("lifts a limit suspension left in place when a new month began (last month's spend no longer counts)", async () => {
    const now = new Date();
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    const lastMonth = monthStart(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)));
    await db().account.update({ where: { id: acct.accountId }, data: { monthlySpendMicros: usd(1), spendPeriod: lastMonth } });
    await db().suspensionReason.create({
      data: {
        accountId: acct.accountId,
        reason: "spend_limit_reached",
        detail: "test",
        activeKey: `${acct.accountId}:spend_limit_reached`,
      },
    });
    await db().account.update({ where: { id: acct.accountId }, data: { status: "suspended" } });
    expect((await check(new Date(Date.now() + 1_000))).resynced).toContain(acct.accountId);
    const s = await state(acct.accountId);
    expect([s.status, s.suspensionReasons]).toEqual(["active", []]);
  });

  it("never lifts a manual suspension", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await db().suspensionReason.create({
      data: { accountId: acct.accountId, reason: "manual", detail: "test", activeKey: `${acct.accountId}:manual`, setBy: "operator" },
    });
    await db().account.update({ where: { id: acct.accountId }, data: { status: "suspended" } });
    expect((await check()).resynced).not.toContain(acct.accountId);
    expect((await state(acct.accountId)).status).toBe("suspended");
  });
});
