// Spend leases live on the database's clock. Each instance used to pass its own clock: one running
// ahead saw other instances' live leases as lapsed and was granted the budget they still held, so two
// instances could spend the same dollars (an overshoot of the spend limit by up to their leases).
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { LEASE_TTL_MS, deleteLapsedLeases, grantSpendLease, renewSpendLeases } from "@/lib/billing/spend-lease";
import { SpendGuard } from "@/lib/gateway/spend-guard";
import { usd } from "@/lib/money";

setupTestDatabase();

const AHEAD_MS = 5 * 60_000;
const liveLeased = async (accountId: string) =>
  (
    await db().$queryRaw<{ sum: bigint | null }[]>`
    SELECT SUM("amountMicros")::bigint AS "sum" FROM "SpendLease" WHERE "accountId" = ${accountId} AND "expiresAt" > statement_timestamp()`
  )[0]?.sum ?? 0n;
const expiry = async (id: string) =>
  (await db().spendLease.findUniqueOrThrow({ where: { id }, select: { expiresAt: true } })).expiresAt.getTime();

describe("spend leases on the database's clock", () => {
  it("an instance whose clock runs ahead still counts the leases other instances hold", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(10) });
    // Another instance, on time, holds $9 of the $10.
    const held = await grantSpendLease(acct.accountId, "on-time", usd(9), usd(9));
    expect(held).toMatchObject({ granted: true, amountMicros: usd(9) });

    const ahead = { now: new Date(Date.now() + AHEAD_MS) };
    // On its own clock, the $9 lease lapsed minutes ago: it would be granted $2 the other one still holds.
    const onOwnClock = await grantSpendLease(acct.accountId, "ahead", usd(2), usd(2), { ...ahead, database: false });
    expect(onOwnClock.granted).toBe(true);
    await db().spendLease.delete({ where: { id: (onOwnClock as { leaseId: string }).leaseId } });

    // On the database's clock the $9 counts: $1 is left, and $2 is refused.
    const onDbClock = await grantSpendLease(acct.accountId, "ahead", usd(2), usd(2), { ...ahead, database: true });
    expect(onDbClock).toMatchObject({ granted: false, reason: "limit", availableMicros: usd(1) });
    expect(await liveLeased(acct.accountId)).toBe(usd(9));
  });

  it("a lease's expiry is stamped from the database's clock, and the holder expects it no later", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(10) });
    const before = Date.now();
    const grant = await grantSpendLease(acct.accountId, "ahead", 1_000n, 1_000n, { now: new Date(before + AHEAD_MS), database: true });
    const after = Date.now();
    if (!grant.granted) throw new Error("expected a grant");
    const stamped = await expiry(grant.leaseId);
    // This machine's clock is the database's (same host): the row says now + TTL, not the caller's time + TTL.
    expect(stamped).toBeGreaterThanOrEqual(before + LEASE_TTL_MS - 1_000);
    expect(stamped).toBeLessThanOrEqual(after + LEASE_TTL_MS + 1_000);
    // The holder's own figure is its clock at the call plus the TTL.
    expect(grant.expiresAt).toBe(before + AHEAD_MS + LEASE_TTL_MS);

    // A renewal extends from the database's clock too, whatever the renewing instance's clock says.
    await db().spendLease.update({ where: { id: grant.leaseId }, data: { expiresAt: new Date(Date.now() + 1_000) } });
    const renewedAt = Date.now();
    expect(await renewSpendLeases([grant.leaseId])).toEqual({ live: new Set([grant.leaseId]), revoked: new Set() });
    expect(await expiry(grant.leaseId)).toBeGreaterThanOrEqual(renewedAt + LEASE_TTL_MS - 1_000);
    expect(await expiry(grant.leaseId)).toBeLessThanOrEqual(Date.now() + LEASE_TTL_MS + 1_000);
  });

  it("housekeeping run for a time ahead of the database's never deletes a lease still live", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(10) });
    const live = await grantSpendLease(acct.accountId, "on-time", 1_000n, 1_000n);
    if (!live.granted) throw new Error("expected a grant");
    const lapsed = await grantSpendLease(acct.accountId, "gone", 1_000n, 1_000n);
    if (!lapsed.granted) throw new Error("expected a grant");
    await db().spendLease.update({ where: { id: lapsed.leaseId }, data: { expiresAt: new Date(Date.now() - 2 * LEASE_TTL_MS) } });

    await deleteLapsedLeases(new Date(Date.now() + 10 * LEASE_TTL_MS));
    const left = await db().spendLease.findMany({ where: { accountId: acct.accountId }, select: { id: true } });
    expect(left.map((l) => l.id)).toEqual([live.leaseId]);
  });

  it("a guard whose clock runs ahead is refused the budget another guard holds", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    const onTime = new SpendGuard("on-time");
    const ahead = new SpendGuard("ahead", () => Date.now() + AHEAD_MS);
    try {
      // $0.30 requests: the first guard's lease is a quarter of the $1 at least, and each lease it asks
      // for while serving takes a quarter of what is left. Between them they never promise more than $1.
      let served = 0;
      for (let i = 0; i < 10; i++) {
        const guard = i % 2 === 0 ? onTime : ahead;
        const r = await guard.reserve(acct.accountId, 300_000n);
        if (r.ok) served++;
      }
      expect(served).toBe(3);
      expect(await liveLeased(acct.accountId)).toBeLessThanOrEqual(usd(1));
    } finally {
      await onTime.close();
      await ahead.close();
    }
  });
});
