// Property test over random sequences of billing events against the real database (SPEC §2–§5):
// purchases, promotions, usage (only as the gateway admits it), limit changes, card changes,
// refunds, month turns with month close, and invoice webhooks delivered in any order. After every
// step: counters equal the ledger, the tier is monotonic and matches §3, the account is suspended
// exactly when a §5 reason holds, and admitted usage never takes spend past the limit.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { MICROS_PER_CENT, usd } from "@/lib/money";
import { canCharge } from "@/lib/billing/can-charge";
import { closeMonth } from "@/lib/billing/close-month";
import { grantCredits } from "@/lib/billing/grant-credits";
import { sumLedger } from "@/lib/billing/ledger-effects";
import { markInvoiceFailed } from "@/lib/billing/mark-invoice-failed";
import { markInvoiceOpen } from "@/lib/billing/mark-invoice-open";
import { markInvoicePaid } from "@/lib/billing/mark-invoice-paid";
import { monthStart, previousMonthStart } from "@/lib/billing/period";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { recordPaymentMethod } from "@/lib/billing/record-payment-method";
import { refundCredits } from "@/lib/billing/refund-credits";
import { removePaymentMethod } from "@/lib/billing/remove-payment-method";
import { setSpendLimit } from "@/lib/billing/set-spend-limit";
import { reasonsFor } from "@/lib/billing/suspension";
import { effectiveSpendLimit, qualifyingTier, tierRank } from "@/lib/billing/tiers";
import { accountState, chargeUsage } from "./helpers";

setupTestDatabase();

type Op =
  | { t: "buy"; dollars: number }
  | { t: "promo"; cents: number }
  | { t: "usage"; micros: bigint }
  | { t: "fillToLimit" }
  | { t: "limit"; cents: number }
  | { t: "addCard" }
  | { t: "removeCard" }
  | { t: "refund"; pick: number; cents: number }
  | { t: "turnMonth" }
  | { t: "openInvoice"; pick: number }
  | { t: "failInvoice"; pick: number }
  | { t: "payInvoice"; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ t: fc.constant("buy" as const), dollars: fc.integer({ min: 5, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("promo" as const), cents: fc.integer({ min: 1, max: 3_000 }) }) },
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant("usage" as const),
      micros: fc.oneof(fc.bigInt({ min: 1n, max: usd(8) }), fc.bigInt({ min: 1n, max: usd(120) })),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: "fillToLimit" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("limit" as const),
      cents: fc.oneof(fc.integer({ min: 0, max: 6_000 }), fc.integer({ min: 0, max: 60_000 })),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: "addCard" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "removeCard" as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("refund" as const), pick: fc.nat(), cents: fc.integer({ min: 1, max: 20_000 }) }) },
  { weight: 3, arbitrary: fc.constant({ t: "turnMonth" as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("openInvoice" as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("failInvoice" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("payInvoice" as const), pick: fc.nat() }) },
);

const RUNS = Number(process.env.BILLING_PROPERTY_RUNS ?? 30);

/** Any invoice (late and duplicate webhooks included), preferring unpaid ones half of the time. */
async function pickInvoice(accountId: string, pick: number) {
  const invoices = await db().invoice.findMany({ where: { accountId }, orderBy: { createdAt: "asc" }, select: { id: true, status: true } });
  const unpaid = invoices.filter((i) => i.status === "draft" || i.status === "open" || i.status === "failed");
  const pool = pick % 2 === 0 && unpaid.length > 0 ? unpaid : invoices;
  return pool.length ? pool[Math.floor(pick / 2) % pool.length]! : null;
}

describe("billing invariants over random event sequences", () => {
  it("hold after every step", async () => {
    // Invoice states seen after any step (a failed invoice may be paid later in its sequence).
    const seenStatuses = new Set<string>();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
        fc.integer({ min: 0, max: 300 }),
        fc.array(op, { minLength: 8, maxLength: 40, size: "max" }),
        async (withCard, promoCents, ops) => {
          run++;
          const acct = await createAccountFixture({ tier: withCard ? "tier1" : "tier0", paymentMethod: withCard });
          const id = acct.accountId;
          let now = new Date(Date.UTC(2031, 0, 3, 0));
          if (promoCents > 0) {
            await grantCredits({
              accountId: id,
              amountMicros: BigInt(promoCents) * MICROS_PER_CENT,
              idempotencyKey: `promo:${id}`,
              kind: "promotional_credit",
              at: now,
            });
          }
          let prevRank = tierRank((await accountState(id, now)).tier);
          const purchases: string[] = [];
          let cardN = 0;
          for (const [i, o] of ops.entries()) {
            now = new Date(now.getTime() + 60 * 60_000);
            const before = await accountState(id, now);
            switch (o.t) {
              case "buy": {
                const key = `cs_${run}_${i}`;
                const r = await grantCredits({
                  accountId: id,
                  amountMicros: usd(o.dollars),
                  idempotencyKey: key,
                  kind: "credit_purchase",
                  at: now,
                });
                expect(r).toMatchObject({ ok: true, granted: true });
                purchases.push(key);
                break;
              }
              case "promo":
                await grantCredits({
                  accountId: id,
                  amountMicros: BigInt(o.cents) * MICROS_PER_CENT,
                  idempotencyKey: `promo_${run}_${i}`,
                  kind: "promotional_credit",
                  at: now,
                });
                break;
              case "usage": {
                // The gateway refuses a charge that would cross the limit (or that credits cannot cover without a card).
                if (!canCharge(before.charge, o.micros).ok) break;
                await chargeUsage(id, o.micros, now);
                const after = await accountState(id, now);
                const limit = effectiveSpendLimit(after.tier, after.spendLimitMicros, after.creditBalanceMicros, after.monthly);
                if (limit !== null) expect(after.monthly <= limit).toBe(true);
                break;
              }
              case "fillToLimit": {
                // Usage that lands exactly on the limit (the last request of the month that fits).
                const c = before.charge;
                const limit = effectiveSpendLimit(c.tier, c.spendLimitMicros, c.creditBalanceMicros, c.monthlySpendMicros);
                const room = limit === null ? 0n : limit - c.monthlySpendMicros;
                if (room > 0n && canCharge(c, room).ok) await chargeUsage(id, room, now);
                break;
              }
              case "limit": {
                const r = await setSpendLimit(id, BigInt(o.cents) * MICROS_PER_CENT, acct.ownerId, now);
                if (!r.ok) expect((await accountState(id, now)).spendLimitMicros).toBe(before.spendLimitMicros);
                break;
              }
              case "addCard":
                cardN++;
                await recordPaymentMethod({
                  accountId: id,
                  stripePaymentMethodId: `pm_${id}_${cardN}`,
                  brand: "visa",
                  last4: "4242",
                  expMonth: 1,
                  expYear: 2035,
                  at: now,
                });
                break;
              case "removeCard": {
                const card = await db().paymentMethod.findFirst({
                  where: { accountId: id, detachedAt: null },
                  select: { stripePaymentMethodId: true },
                });
                if (card) await removePaymentMethod({ accountId: id, stripePaymentMethodId: card.stripePaymentMethodId, at: now });
                break;
              }
              case "refund": {
                if (purchases.length === 0) break;
                const key = purchases[o.pick % purchases.length]!;
                await refundCredits({
                  accountId: id,
                  purchaseKey: key,
                  refundId: `re_${run}_${i}`,
                  amountMicros: BigInt(o.cents) * MICROS_PER_CENT,
                  at: now,
                });
                break;
              }
              case "turnMonth": {
                now = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 30));
                const closed = await closeMonth({ period: previousMonthStart(now), accountId: id, now });
                expect(closed).toMatchObject({ ok: true, failed: [] });
                const after = await accountState(id, now);
                expect(after.monthlySpendMicros).toBe(0n);
                expect(after.spendPeriod.getTime()).toBe(monthStart(now).getTime());
                break;
              }
              case "openInvoice": {
                const inv = await pickInvoice(id, o.pick);
                if (inv)
                  await markInvoiceOpen(inv.id, { stripeInvoiceId: `in_${inv.id}`, hostedUrl: `https://pay.example/${inv.id}`, now });
                break;
              }
              case "failInvoice": {
                const inv = await pickInvoice(id, o.pick);
                if (inv) await markInvoiceFailed(inv.id, { failedAt: now, now });
                break;
              }
              case "payInvoice": {
                const inv = await pickInvoice(id, o.pick);
                if (inv) await markInvoicePaid(inv.id, { paidAt: now, now });
                break;
              }
            }

            const s = await accountState(id, now);
            const step = `step ${i} (${JSON.stringify(o, (_k, v) => (typeof v === "bigint" ? v.toString() : v))})`;
            // 1. Counters equal the ledger (and reconciliation agrees).
            const entries = await db().ledgerEntry.findMany({
              where: { accountId: id },
              select: { kind: true, amountMicros: true, creditMicros: true, invoiceMicros: true, period: true },
            });
            const sums = sumLedger(entries, monthStart(s.spendPeriod));
            expect({ credit: s.creditBalanceMicros, spend: s.monthlySpendMicros, historical: s.historicalMicros }, step).toEqual(sums);
            expect(s.creditBalanceMicros >= 0n, step).toBe(true);
            // 2. Tier: never down, and what §3 says the facts qualify for.
            const rank = tierRank(s.tier);
            const hasCard = s._count.paymentMethods > 0;
            expect(rank, step).toBe(Math.max(prevRank, tierRank(qualifyingTier(s.historicalMicros, hasCard))));
            prevRank = rank;
            // 3. Suspended exactly when a §5 reason holds, each reason recorded.
            const holding = reasonsFor({
              tier: s.tier,
              spendLimitMicros: s.spendLimitMicros,
              creditBalanceMicros: s.creditBalanceMicros,
              monthlySpendMicros: s.monthly,
              hasPaymentMethod: hasCard,
              failedInvoices: s.failedInvoices,
            });
            expect(s.reasons, step).toEqual([...holding].sort());
            expect(s.status, step).toBe(holding.size > 0 ? "suspended" : "active");
            // 4. Invoices: never paid beyond their total; each month billed at most once.
            const invoices = await db().invoice.findMany({
              where: { accountId: id },
              select: { period: true, totalMicros: true, paidMicros: true, status: true },
            });
            for (const inv of invoices) expect(inv.paidMicros <= inv.totalMicros, step).toBe(true);
            for (const inv of invoices) seenStatuses.add(inv.status);
            expect(new Set(invoices.map((x) => x.period.getTime())).size).toBe(invoices.length);
          }
          expect(await reconcileBalances({ accountId: id })).toMatchObject({ ok: true, differences: [] });
        },
      ),
      { numRuns: RUNS },
    );
    // The sequences are not vacuous: they reached every kind of state the invariants are about.
    const reasons = await db().suspensionReason.groupBy({ by: ["reason"], _count: true });
    expect(reasons.map((r) => r.reason).sort()).toEqual(["no_payment_method", "payment_failed", "spend_limit_reached"]);
    expect([...seenStatuses]).toEqual(expect.arrayContaining(["paid", "failed"]));
    const tiers = await db().account.groupBy({ by: ["tier"], _count: true });
    expect(tiers.map((x) => x.tier)).toEqual(expect.arrayContaining(["tier1", "tier2"]));
  }, 600_000);
});
