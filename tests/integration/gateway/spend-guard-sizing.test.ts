// Lease sizing: a grant takes the account's row lock (the meter's flush waits behind it), so a busy
// account's leases grow until a few grants a minute suffice, and shrink back when it slows down —
// always within a quarter of what is left under the limit.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { SpendGuard } from "@/lib/gateway/spend-guard";
import { usd } from "@/lib/money";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";

setupTestDatabase();

/** Reserve and settle (spending all) until the guard has asked for `grants` leases. */
async function spendThrough(guard: SpendGuard, accountId: string, cost: bigint, grants: number, tick: () => void) {
  const seen = new Set<string>();
  while (seen.size < grants) {
    const r = await guard.reserve(accountId, cost);
    if (!r.ok) throw new Error(`refused: ${JSON.stringify({ ...r, availableMicros: String(r.availableMicros) })}`);
    seen.add(r.leaseId);
    guard.settle(accountId, r.leaseId, cost, cost);
    tick();
  }
  return [...seen];
}

describe("spend lease sizing", () => {
  it("leases double while they last under 5 s, and halve once one lasts over 30 s", async () => {
    const acct = await createAccountFixture({ tier: "tier4", spendLimitMicros: usd(100_000) });
    let now = Date.now();
    const guard = new SpendGuard("sizing", () => now, "caller");
    const cost = 10n;
    type Sizing = Map<string, { multiple: bigint; grantedAt: number }>;
    const sizing = () => (guard as unknown as { sizing: Sizing }).sizing.get(acct.accountId)!;
    // Fast: each lease is used up within a second. Grants ask for 1024, 2048, 4096, 8192 × the cost.
    const fast = await spendThrough(guard, acct.accountId, cost, 4, () => (now += 1));
    expect(fast).toHaveLength(4);
    expect(sizing().multiple).toBe(1024n * 8n);
    const last = await db().spendLease.findUniqueOrThrow({ where: { id: fast[3]! } });
    expect(last.amountMicros).toBe(cost * 1024n * 8n);

    // Slow: the next lease lasts 40 s; the one after asks for half.
    now += 40_000;
    sizing().grantedAt = now - 40_000;
    guard.revoke(acct.accountId);
    const r = await guard.reserve(acct.accountId, cost);
    expect(r.ok).toBe(true);
    expect(sizing().multiple).toBe(1024n * 4n);
    await guard.close();
  });

  it("never leases more than a quarter of what is left under the limit, however hot the account", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    let now = Date.now();
    const guard = new SpendGuard("sizing-cap", () => now, "caller");
    const cost = 100n;
    await spendThrough(guard, acct.accountId, cost, 6, () => (now += 1));
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    const live = await db().spendLease.findMany({ where: { accountId: acct.accountId, expiresAt: { gt: new Date(now) } } });
    const leased = live.reduce((sum, l) => sum + l.amountMicros, 0n);
    expect(leased).toBeLessThanOrEqual(usd(1) - account.monthlySpendMicros);
    for (const l of live) expect(l.amountMicros).toBeLessThanOrEqual(usd(1) / 4n);
    await guard.close();
  });
});

describe("spend lease sizing memory", () => {
  it("forgets an account's sizing once it has no leases and has not leased for a while", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(10) });
    let now = Date.now();
    const guard = new SpendGuard("sizing-forget", () => now, "caller");
    const sizing = () => (guard as unknown as { sizing: Map<string, unknown> }).sizing;
    const r = await guard.reserve(acct.accountId, 100n);
    expect(r.ok).toBe(true);
    guard.settle(acct.accountId, (r as { leaseId: string }).leaseId, 100n, 0n);
    const renew = () => (guard as unknown as { renew: () => Promise<void> }).renew();
    now += 40_000;
    await renew();
    expect(sizing().has(acct.accountId)).toBe(true); // it still holds a lease
    guard.revoke(acct.accountId);
    await new Promise((r) => setTimeout(r, 50)); // the revoked lease's release
    await renew();
    expect(sizing().has(acct.accountId)).toBe(false);
    await guard.close();
  });
});
