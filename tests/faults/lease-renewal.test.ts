// A spend lease that lapsed while this instance could not renew it (database unreachable from here
// for longer than LEASE_TTL_MS) must not be revived when renewals work again: once it lapsed, other
// instances' grants no longer count it, so its budget may already be leased to them — reviving it
// would let two instances spend the same budget (overshooting the spend limit).
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { LEASE_TTL_MS, grantSpendLease } from "@/lib/billing/spend-lease";
import { SpendGuard } from "@/lib/gateway/spend-guard";
import { usd } from "@/lib/money";
import { setupTestDatabase } from "../helpers/test-db";
import { createAccountFixture } from "../helpers/fixtures";

setupTestDatabase();

describe("spend lease renewal after an outage", () => {
  it("a lapsed lease is retired, not revived; new requests lease afresh within the limit", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(10) });
    let now = Date.now();
    const guard = new SpendGuard("instance-a", () => now, "caller");
    const first = await guard.reserve(acct.accountId, 1_000n);
    expect(first.ok).toBe(true);
    const leaseA = (first as { leaseId: string }).leaseId;
    guard.settle(acct.accountId, leaseA, 1_000n, 0n);

    // The outage: no renewal for longer than the TTL. Another instance leases what is left meanwhile.
    now += LEASE_TTL_MS + 5_000;
    const other = await grantSpendLease(acct.accountId, "instance-b", 1_000n, usd(100), { now: new Date(now), database: false });
    expect(other.granted).toBe(true);

    // Renewals work again.
    await (guard as unknown as { renew: () => Promise<void> }).renew();
    const row = await db().spendLease.findUnique({ where: { id: leaseA } });
    expect(row === null || row.expiresAt.getTime() <= now).toBe(true);

    const next = await guard.reserve(acct.accountId, 1_000n);
    expect(next.ok).toBe(true);
    expect((next as { leaseId: string }).leaseId).not.toBe(leaseA);
    // Live leases never promise more than the limit.
    const live = await db().spendLease.aggregate({
      where: { accountId: acct.accountId, expiresAt: { gt: new Date(now) } },
      _sum: { amountMicros: true },
    });
    expect(live._sum.amountMicros ?? 0n).toBeLessThanOrEqual(usd(10));
    await guard.close();
  });
});
