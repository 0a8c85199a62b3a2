// The meter's charge statement (lib/billing/charge-usage-batch.ts) against a reference model in
// plain TypeScript, over random sequences of batches: replayed request ids, unknown accounts,
// credits running out part-way through a batch, charges dated in the previous, current and next
// month against a spend counter of either month, and leases that exist or are gone. After every
// batch the database must hold exactly what the model says: the count charged, each account's
// credit balance, monthly spend and spend period, each lease's amount, and — at the end — every
// ledger row's split between credits and invoice, its period and its usage record.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, seedModelsFixture, usageChargeFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { chargeUsageBatch, type UsageCharge } from "@/lib/billing/charge-usage-batch";

setupTestDatabase();

const RUNS = Number(process.env.MODEL_RUNS ?? 25);
/** Mid-month, so ±1 month stays inside the neighbouring months whatever the hour. */
const BASE = Date.UTC(2026, 5, 15, 12);
const monthStart = (t: number) => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const shiftMonths = (t: number, k: number) => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
};

interface Acct {
  credit: bigint;
  monthly: bigint;
  spendPeriod: number;
}
interface Ledger {
  accountId: string;
  amount: bigint;
  credit: bigint;
  invoice: bigint;
  period: number;
  usageRecordId: string;
}

const chargeArb = fc.record({
  request: fc.integer({ min: 0, max: 14 }),
  account: fc.constantFrom(0, 1, 1, 2, 2, 3), // 3: an account that does not exist
  cost: fc.bigInt({ min: 0n, max: 4_000n }),
  month: fc.constantFrom(-1, 0, 0, 0, 1),
  second: fc.integer({ min: 0, max: 3_600 }),
  lease: fc.constantFrom(0, 1, 2, null), // 2: a lease that was deleted
});
// Request ids repeat across batches (a replay after an unknown outcome) and, now and then, within
// one (the gateway never records a request twice; if it did, the batch must not fail for it).
const batchArb = fc.array(chargeArb, { minLength: 1, maxLength: 8 });
const scenarioArb = fc.record({
  accounts: fc.array(
    fc.record({
      credit: fc.bigInt({ min: -500n, max: 9_000n }),
      monthly: fc.bigInt({ min: 0n, max: 50_000n }),
      month: fc.constantFrom(-1, 0),
    }),
    { minLength: 3, maxLength: 3 },
  ),
  leases: fc.array(fc.bigInt({ min: 0n, max: 20_000n }), { minLength: 2, maxLength: 2 }),
  batches: fc.array(batchArb, { minLength: 1, maxLength: 4 }),
});

describe("the meter's charge statement", () => {
  it("matches the reference model over random batches", async () => {
    await seedModelsFixture();
    const model = await db().model.findFirstOrThrow({ select: { id: true, name: true } });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        run++;
        // Three accounts (the third is tier 0 without a card: running out of credits suspends it).
        const ids: string[] = [];
        const state = new Map<string, Acct>();
        for (const [i, a] of s.accounts.entries()) {
          const f = await createAccountFixture(i === 2 ? { tier: "tier0", paymentMethod: false } : { tier: "tier2" });
          const spendPeriod = monthStart(shiftMonths(BASE, a.month)) + 3_600_000; // any instant of its month
          await db().account.update({
            where: { id: f.accountId },
            data: { creditBalanceMicros: a.credit, monthlySpendMicros: a.monthly, spendPeriod: new Date(spendPeriod) },
          });
          ids.push(f.accountId);
          state.set(f.accountId, { credit: a.credit, monthly: a.monthly, spendPeriod });
        }
        const leaseIds = [`sl_model_${run}_a`, `sl_model_${run}_b`, `sl_model_${run}_gone`];
        const leases = new Map<string, bigint>();
        for (const [i, amount] of s.leases.entries()) {
          await db().spendLease.create({
            data: {
              id: leaseIds[i]!,
              accountId: ids[i]!,
              holder: "model-test",
              amountMicros: amount,
              expiresAt: new Date(BASE + 3_600_000),
            },
          });
          leases.set(leaseIds[i]!, amount);
        }
        const recorded = new Set<string>();
        const ledger = new Map<string, Ledger>();

        for (const batch of s.batches) {
          const items: UsageCharge[] = batch.map((c) =>
            usageChargeFixture(`req_model_${run}_${c.request}`, ids[c.account] ?? `acct_model_missing_${run}`, model, {
              costMicros: c.cost,
              leaseId: c.lease === null ? null : leaseIds[c.lease]!,
              at: new Date(shiftMonths(BASE, c.month) + c.second * 1000),
            }),
          );

          // The model: charged in request order, once per request id (its first record in the batch);
          // credits first, the rest to the invoice.
          const firsts = items.filter((u, i) => items.findIndex((v) => v.requestId === u.requestId) === i);
          const fresh = firsts.filter((u) => state.has(u.accountId) && !recorded.has(u.requestId));
          for (const [accountId, acct] of state) {
            const mine = fresh.filter((u) => u.accountId === accountId);
            if (mine.length === 0) continue;
            let before = 0n;
            let fromCredits = 0n;
            for (const u of mine) {
              const room = acct.credit - before;
              const take = room <= 0n ? 0n : room < u.costMicros ? room : u.costMicros;
              before += u.costMicros;
              fromCredits += take;
              const period = monthStart(u.at.getTime());
              ledger.set(`le_${u.requestId}`, {
                accountId,
                amount: -take,
                credit: take,
                invoice: u.costMicros - take,
                period,
                usageRecordId: `ur_${u.requestId}`,
              });
            }
            const latest = Math.max(...mine.map((u) => monthStart(u.at.getTime())));
            const latestSpend = mine.filter((u) => monthStart(u.at.getTime()) === latest).reduce((t, u) => t + u.costMicros, 0n);
            const counted = monthStart(acct.spendPeriod);
            if (counted < latest) acct.monthly = latestSpend;
            else if (counted === latest) acct.monthly += latestSpend;
            acct.spendPeriod = Math.max(acct.spendPeriod, latest);
            acct.credit -= fromCredits;
          }
          for (const u of fresh) {
            recorded.add(u.requestId);
            if (u.leaseId && leases.has(u.leaseId)) leases.set(u.leaseId, leases.get(u.leaseId)! - u.costMicros);
          }

          const result = await chargeUsageBatch(items);
          expect(result.charged).toBe(fresh.length);
          const rows = await db().account.findMany({
            where: { id: { in: ids } },
            select: { id: true, creditBalanceMicros: true, monthlySpendMicros: true, spendPeriod: true },
          });
          for (const r of rows) {
            const want = state.get(r.id)!;
            expect({ credit: r.creditBalanceMicros, monthly: r.monthlySpendMicros, spendPeriod: r.spendPeriod.getTime() }).toEqual(want);
          }
          const leaseRows = await db().spendLease.findMany({ where: { id: { in: leaseIds } }, select: { id: true, amountMicros: true } });
          expect(new Map(leaseRows.map((l) => [l.id, l.amountMicros]))).toEqual(leases);
        }

        const entries = await db().ledgerEntry.findMany({
          where: { accountId: { in: ids }, kind: "usage_charge" },
          select: {
            id: true,
            accountId: true,
            amountMicros: true,
            creditMicros: true,
            invoiceMicros: true,
            period: true,
            usageRecordId: true,
          },
        });
        expect(
          new Map(
            entries.map((e) => [
              e.id,
              {
                accountId: e.accountId,
                amount: e.amountMicros,
                credit: e.creditMicros,
                invoice: e.invoiceMicros,
                period: e.period.getTime(),
                usageRecordId: e.usageRecordId!,
              },
            ]),
          ),
        ).toEqual(ledger);
        expect(await db().usageRecord.count({ where: { accountId: { in: ids } } })).toBe(recorded.size);
      }),
      { numRuns: RUNS },
    );
  }, 240_000);
});
