// A spend lease is granted in one statement, by headroom_grant_spend_lease() in PostgreSQL, so the
// account's row lock is never held across round trips to the app. Its ceiling must be spendCeiling()'s
// (lib/billing/spend-ceiling.ts) to the micro-dollar: over generated accounts (every tier, with and
// without a card and an owner's limit, spend from this month or the last, leases live and lapsed) the
// grant or refusal is what the TypeScript rules give.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import type { Tier } from "@/lib/db/generated/enums";
import { grantSpendLease, LEASE_TTL_MS, type LeaseGrant } from "@/lib/billing/spend-lease";
import { spendCeiling } from "@/lib/billing/spend-ceiling";
import { monthStart } from "@/lib/billing/period";
import { usd } from "@/lib/money";

setupTestDatabase();

const NOW = new Date("2026-12-15T12:00:00.000Z");

interface Facts {
  tier: Tier;
  card: boolean;
  spendLimitMicros: bigint | null;
  creditBalanceMicros: bigint;
  monthlySpendMicros: bigint;
  /** The counter's period: this month, or the last (then this month's spend is 0). */
  lastMonth: boolean;
  /** Other leases: amount, and whether still live at NOW. */
  leases: { amount: bigint; live: boolean }[];
  need: bigint;
  want: bigint;
}

const micros = (max: number) => fc.bigInt({ min: 0n, max: usd(max) });

const facts: fc.Arbitrary<Facts> = fc
  .record({
    tier: fc.constantFrom<Tier>("tier0", "tier1", "tier2", "tier3", "tier4", "unlimited"),
    card: fc.boolean(),
    spendLimitMicros: fc.option(micros(60_000), { nil: null }),
    creditBalanceMicros: fc.bigInt({ min: -usd(50), max: usd(1_000) }),
    monthlySpendMicros: micros(60_000),
    lastMonth: fc.boolean(),
    leases: fc.array(fc.record({ amount: micros(500), live: fc.boolean() }), { maxLength: 4 }),
    need: fc.bigInt({ min: 1n, max: usd(20) }),
    extra: micros(2_000),
  })
  .map(({ extra, ...f }) => ({ ...f, want: f.need + extra }));

/** What the transaction this statement replaced decided, with spendCeiling(). */
function expected(f: Facts): LeaseGrant {
  const monthly = f.lastMonth ? 0n : f.monthlySpendMicros;
  const limit = spendCeiling({
    tier: f.tier,
    spendLimitMicros: f.spendLimitMicros,
    creditBalanceMicros: f.creditBalanceMicros,
    monthlySpendMicros: monthly,
    hasPaymentMethod: f.card,
  });
  if (limit === null) return { granted: true, leaseId: "", amountMicros: f.want, expiresAt: NOW.getTime() + LEASE_TTL_MS };
  const live = f.leases.filter((l) => l.live).reduce((sum, l) => sum + l.amount, 0n);
  const available = limit - monthly - live;
  if (available < f.need)
    return {
      granted: false,
      reason: "limit",
      availableMicros: available > 0n ? available : 0n,
      limitMicros: limit,
      monthlySpendMicros: monthly,
    };
  const share = available / 4n > f.need ? available / 4n : f.need;
  return { granted: true, leaseId: "", amountMicros: f.want < share ? f.want : share, expiresAt: NOW.getTime() + LEASE_TTL_MS };
}

let seq = 0;
async function arrange(accountId: string, f: Facts): Promise<void> {
  await db().spendLease.deleteMany({ where: { accountId } });
  await db().account.update({
    where: { id: accountId },
    data: {
      tier: f.tier,
      spendLimitMicros: f.spendLimitMicros,
      creditBalanceMicros: f.creditBalanceMicros,
      monthlySpendMicros: f.monthlySpendMicros,
      spendPeriod: f.lastMonth ? new Date("2026-11-20T00:00:00.000Z") : monthStart(NOW),
    },
  });
  for (const l of f.leases)
    await db().spendLease.create({
      data: {
        id: `sl_prop_${seq++}`,
        accountId,
        holder: "another-instance",
        amountMicros: l.amount,
        expiresAt: new Date(NOW.getTime() + (l.live ? 1 : -1) * 30_000),
      },
    });
}

describe("grantSpendLease (one statement in PostgreSQL)", () => {
  it("grants or refuses exactly as spendCeiling() and the lease rules say", async () => {
    const withCard = (await createAccountFixture({ tier: "tier2", paymentMethod: true })).accountId;
    const without = (await createAccountFixture({ tier: "tier0", paymentMethod: false })).accountId;
    let granted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(facts, async (f) => {
        const accountId = f.card ? withCard : without;
        await arrange(accountId, f);
        const got = await grantSpendLease(accountId, "this-instance", f.need, f.want, { now: NOW, database: false });
        const want = expected(f);
        if (got.granted && want.granted) {
          expect(got.amountMicros).toBe(want.amountMicros);
          expect(got.expiresAt).toBe(want.expiresAt);
          const row = await db().spendLease.findUniqueOrThrow({ where: { id: got.leaseId } });
          expect(row).toMatchObject({ accountId, holder: "this-instance", amountMicros: want.amountMicros });
          expect(row.expiresAt.getTime()).toBe(want.expiresAt);
          granted++;
        } else {
          expect(got).toEqual(want);
          expect(await db().spendLease.count({ where: { accountId, holder: "this-instance" } })).toBe(0);
          refused++;
        }
      }),
      { numRuns: 150 },
    );
    // Both outcomes were exercised, not one of them over and over.
    expect(granted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  }, 120_000);

  it("answers no_account for an account that does not exist, and leases nothing", async () => {
    expect(await grantSpendLease("acct_missing", "this-instance", 1n, 10n, { now: NOW, database: false })).toEqual({
      granted: false,
      reason: "no_account",
    });
    expect(await db().spendLease.count({ where: { accountId: "acct_missing" } })).toBe(0);
  });
});
