// When an account's budget shrinks — a lower spend limit, its last card removed — the gateway's
// leases are taken back in the same transaction: this process's guard stops reserving at once (it
// used to go on for up to 2 s, until its next renewal: 40 requests served past a $1 limit), and
// what requests in flight reserved stays counted, so the next grant cannot hand it out again.
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { IDLE_RELEASE_MS, SpendGuard } from "@/lib/gateway/spend-guard";
import { setSpendLimit } from "@/lib/billing/set-spend-limit";
import { removePaymentMethod } from "@/lib/billing/remove-payment-method";
import { setTier } from "@/lib/billing/set-tier";
import { chargeUsageBatch } from "@/lib/billing/charge-usage-batch";
import { listenForRevokedLeases, revokeAccountLeases } from "@/lib/billing/spend-lease";
import { usd } from "@/lib/money";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture, usageChargeFixture } from "../../helpers/fixtures";

setupTestDatabase();

const guards: SpendGuard[] = [];
function startGuard(name: string): SpendGuard {
  const guard = new SpendGuard(name);
  guard.start();
  guards.push(guard);
  return guard;
}
afterEach(async () => {
  for (const g of guards.splice(0)) await g.close();
});

const leased = async (accountId: string) =>
  (await db().spendLease.aggregate({ where: { accountId }, _sum: { amountMicros: true } }))._sum.amountMicros ?? 0n;

describe("taking leases back when an account's budget shrinks", () => {
  it("a lower limit stops this instance's reservations at once and keeps what requests in flight reserved", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(50) });
    const here = startGuard("here");
    const cost = 100_000n;
    const inFlight = await here.reserve(acct.accountId, cost);
    expect(inFlight.ok).toBe(true);
    expect(await leased(acct.accountId)).toBeGreaterThan(usd(1)); // a slice of the $50 far above $1
    expect(here.tryReserve(acct.accountId, cost)).not.toBeNull(); // room for more, from memory

    expect((await setSpendLimit(acct.accountId, usd(1), null)).ok).toBe(true);
    // No more reservations from the old lease, and only the request in flight's $0.10 is still leased.
    expect(here.tryReserve(acct.accountId, cost)).toBeNull();
    expect(await leased(acct.accountId)).toBe(2n * cost);

    // What is left under the new limit is $1 less what is in flight: ten more $0.08 requests fit, not twelve.
    const other = startGuard("other");
    let served = 0;
    for (let i = 0; i < 20; i++) {
      const r = await other.reserve(acct.accountId, 80_000n);
      if (!r.ok) break;
      served++;
    }
    expect(served).toBe(10);
    if (inFlight.ok) here.settle(acct.accountId, inFlight.leaseId, cost, 0n);
  });

  it("removing the last card takes back budget leased beyond the credits", async () => {
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: usd(1), spendLimitMicros: usd(50) });
    const here = startGuard("here");
    const first = await here.reserve(acct.accountId, 100_000n);
    expect(first.ok).toBe(true);
    expect(await leased(acct.accountId)).toBeGreaterThan(usd(1));

    const removed = await removePaymentMethod({ accountId: acct.accountId, stripePaymentMethodId: `pm_fixture_${acct.accountId}` });
    expect(removed).toMatchObject({ ok: true, removed: true, remaining: 0 });
    expect(here.tryReserve(acct.accountId, 100_000n)).toBeNull();
    // Without a card the budget is the $1 of credits: $0.10 in flight, nine more $0.10 requests.
    let served = 0;
    for (let i = 0; i < 20; i++) {
      const r = await here.reserve(acct.accountId, 100_000n);
      if (!r.ok) break;
      served++;
    }
    expect(served).toBe(9);
  });

  it("a lease left idle is given back, so another instance is not refused budget nobody is using", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(50) });
    let now = Date.now();
    const idle = new SpendGuard("idle", () => now, "caller");
    const busy = new SpendGuard("busy", () => now, "caller");
    guards.push(idle, busy);
    const one = await idle.reserve(acct.accountId, 100_000n);
    if (!one.ok) throw new Error("refused");
    idle.settle(acct.accountId, one.leaseId, 100_000n, 100_000n);
    // $40 does not fit beside the idle instance's lease (a quarter of what was left)…
    expect((await busy.reserve(acct.accountId, usd(40))).ok).toBe(false);
    // …but once that lease has gone unused past IDLE_RELEASE_MS, the next renewal gives it back.
    now += IDLE_RELEASE_MS + 1;
    await (idle as unknown as { renew: () => Promise<void> }).renew();
    await new Promise((r) => setTimeout(r, 100)); // the release
    expect(await leased(acct.accountId)).toBe(0n);
    expect((await busy.reserve(acct.accountId, usd(40))).ok).toBe(true);
  });

  it("a revocation whose transaction rolls back leaves no budget stuck: the retired lease goes at the next renewal", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(2) });
    let now = Date.now();
    const here = new SpendGuard("here", () => now, "caller");
    here.start();
    guards.push(here);
    const one = await here.reserve(acct.accountId, 100_000n);
    if (!one.ok) throw new Error("refused");
    here.settle(acct.accountId, one.leaseId, 100_000n, 0n);
    expect(await leased(acct.accountId)).toBeGreaterThan(0n);
    // A webhook's transaction takes the leases back, then fails.
    await db()
      .$transaction(async (tx) => {
        await revokeAccountLeases(acct.accountId, tx);
        throw new Error("the webhook's handler failed");
      })
      .catch(() => undefined);
    expect(await leased(acct.accountId)).toBeGreaterThan(0n); // rolled back: the row is whole again
    now += 1;
    await (here as unknown as { renew: () => Promise<void> }).renew();
    await new Promise((r) => setTimeout(r, 100)); // the release
    expect(await leased(acct.accountId)).toBe(0n);
    expect((await here.reserve(acct.accountId, 1_600_000n)).ok).toBe(true); // the whole $2 is there to lease
  });

  it("another instance's requests in flight stay counted: a lower limit cannot be spent twice", async () => {
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000 });
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(10) });
    // Instance B (not started, not registered: another process) has a request of up to $4 in flight.
    const there = new SpendGuard("there", Date.now, "database");
    guards.push(there);
    const inFlight = await there.reserve(acct.accountId, usd(4));
    if (!inFlight.ok) throw new Error("refused");
    // The owner lowers the limit to $5. B's lease used to be deleted here, and this instance was then
    // granted the whole $5 beside B's $4: $9 spent under a $5 limit.
    expect((await setSpendLimit(acct.accountId, usd(5), null)).ok).toBe(true);
    const here = startGuard("here");
    expect((await here.reserve(acct.accountId, usd(2))).ok).toBe(false); // B's whole lease still counts
    // B hears of it (its notification, or its next renewal) and cuts its lease to what is in flight.
    there.revoke(acct.accountId);
    await new Promise((r) => setTimeout(r, 100));
    expect(await leased(acct.accountId)).toBe(usd(4));
    expect((await here.reserve(acct.accountId, usd(2))).ok).toBe(false);
    const fits = await here.reserve(acct.accountId, usd(1));
    expect(fits.ok).toBe(true);
    // Both are charged in full: spend stays within the new limit.
    const charge = (id: string, leaseId: string, cost: bigint) =>
      usageChargeFixture(id, acct.accountId, model, { costMicros: cost, leaseId });
    await chargeUsageBatch([charge("req_rv_there", inFlight.leaseId, usd(4))]);
    if (fits.ok) await chargeUsageBatch([charge("req_rv_here", fits.leaseId, usd(1))]);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId }, select: { monthlySpendMicros: true } });
    expect(account.monthlySpendMicros).toBe(usd(5));
    // Once its request settles, B releases the lease.
    there.settle(acct.accountId, inFlight.leaseId, usd(4), usd(4));
    await new Promise((r) => setTimeout(r, 100));
    expect(await db().spendLease.count({ where: { holder: "there" } })).toBe(0);
  });

  it("a revoked lease is renewed while its requests are in flight, and the renewal tells a holder that missed the notification", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(10) });
    let now = Date.now();
    const there = new SpendGuard("there", () => now, "caller");
    guards.push(there);
    // Two requests of up to $0.10 in flight (small beside the lease: no second lease is taken ahead).
    const inFlight = await there.reserve(acct.accountId, 100_000n);
    if (!inFlight.ok) throw new Error("refused");
    expect(there.tryReserve(acct.accountId, 100_000n)).not.toBeNull();
    expect(await db().spendLease.count({ where: { accountId: acct.accountId } })).toBe(1);
    await revokeAccountLeases(acct.accountId); // B's notification never arrives
    now += 1_000;
    await (there as unknown as { renew: () => Promise<void> }).renew();
    await new Promise((r) => setTimeout(r, 100));
    expect(there.tryReserve(acct.accountId, 1n)).toBeNull();
    // Cut to the $0.20 its two requests hold, and still live: grants go on counting it.
    const lease = await db().spendLease.findFirstOrThrow({ where: { accountId: acct.accountId } });
    expect(lease).toMatchObject({ revoked: true, amountMicros: 200_000n });
    expect(lease.expiresAt.getTime()).toBeGreaterThan(now + 50_000);
  });

  it("an operator lowering the tier takes the leases back", async () => {
    const acct = await createAccountFixture({ tier: "unlimited" });
    const here = startGuard("here");
    const first = await here.reserve(acct.accountId, usd(1));
    expect(first.ok).toBe(true);
    expect(await leased(acct.accountId)).toBeGreaterThan(usd(50)); // Unlimited: a lease far above Tier 1's cap
    expect((await setTier(acct.accountId, "tier1", null, "downgrade")).ok).toBe(true);
    // No more reservations from memory, and only the $1 in flight is still leased.
    expect(here.tryReserve(acct.accountId, usd(1))).toBeNull();
    expect(await leased(acct.accountId)).toBe(usd(1));
    // Next requests lease under Tier 1's $50 cap.
    expect((await here.reserve(acct.accountId, usd(50))).ok).toBe(false);
    expect((await here.reserve(acct.accountId, usd(10))).ok).toBe(true);
  });

  // Another instance: a guard this process's revocations do not reach directly (not registered here),
  // that hears them only as PostgreSQL notifications, as a separate instance does.
  const elsewhere = async (name: string) => {
    const guard = new SpendGuard(name);
    guards.push(guard);
    const listener = listenForRevokedLeases((id) => guard.revoke(id));
    // LISTEN is issued on a connection of its own, in the background.
    await new Promise((r) => setTimeout(r, 300));
    return { guard, listener: listener! };
  };

  it.runIf(process.env.DATABASE_URL)(
    "another instance stops reserving as soon as the revocation commits, not at its next renewal",
    async () => {
      const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(50) });
      const { guard: there, listener } = await elsewhere("there");
      try {
        const first = await there.reserve(acct.accountId, 100_000n);
        expect(first.ok).toBe(true);
        expect(there.tryReserve(acct.accountId, 100_000n)).not.toBeNull();

        // A revocation that rolls back announces nothing: the other instance goes on reserving.
        await db()
          .$transaction(async (tx) => {
            await revokeAccountLeases(acct.accountId, tx);
            throw new Error("rolled back");
          })
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 300));
        expect(there.tryReserve(acct.accountId, 100_000n)).not.toBeNull();

        expect((await setSpendLimit(acct.accountId, usd(1), null)).ok).toBe(true);
        const committed = Date.now();
        while (there.tryReserve(acct.accountId, 1n) !== null) {
          if (Date.now() - committed > 1_500) throw new Error("still reserving on a revoked lease 1.5 s after the commit");
          await new Promise((r) => setTimeout(r, 10));
        }
        // Its next request leases afresh, under the new $1 limit.
        const next = await there.reserve(acct.accountId, usd(2));
        expect(next.ok).toBe(false);
      } finally {
        await listener.close();
      }
    },
  );
});
